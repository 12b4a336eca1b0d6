// `node dist/testbed/fleet-host-config-cli.js SPEC_JSON`: prints the YAML of fleetHostConfig for
// scripts/lab, which thereby writes its hosts' configs with the same function as the tests.
import { fleetHostConfigYaml, type FleetHostConfigSpec } from './fleet-host-config.js';

const arg = process.argv[2];
if (arg === undefined) {
  process.stderr.write('usage: fleet-host-config-cli.js \'{"id":"hv1","dir":"/run/…","nbRemotes":"…","libvirt":{"kind":"none"}}\'\n');
  process.exit(2);
}
process.stdout.write(fleetHostConfigYaml(JSON.parse(arg) as FleetHostConfigSpec));
