// Prints a fleet host's hvnetd configuration (fleetHostConfig) for scripts/lab, so lab hosts are
// configured by the same function as test hosts:
//   node dist/testbed/fleet-host-config-cli.js --id hv2 --dir DIR --nb REMOTES [--sb REMOTES]
//     [--controller URL --token-file FILE --interval SECONDS] [--libvirt system|none|test:FILE]
//     [--required-network NAME]...
import { parseArgs } from 'node:util';
import { fleetHostConfigYaml, type FleetHostConfigSpec, type FleetLibvirt } from './fleet-host-config.js';

function libvirtOf(v: string): FleetLibvirt {
  if (v === 'system') return { kind: 'system' };
  if (v === 'none') return { kind: 'none' };
  if (v.startsWith('test:/')) return { kind: 'test', file: v.slice('test:'.length) };
  throw new Error(`--libvirt ${v}: allowed system, none, test:/ABSOLUTE/FILE`);
}

try {
  const { values } = parseArgs({
    options: {
      id: { type: 'string' },
      dir: { type: 'string' },
      nb: { type: 'string' },
      sb: { type: 'string' },
      controller: { type: 'string' },
      'token-file': { type: 'string' },
      interval: { type: 'string', default: '3' },
      libvirt: { type: 'string', default: 'none' },
      'required-network': { type: 'string', multiple: true, default: [] },
    },
    strict: true,
  });
  const { id, dir, nb } = values;
  if (id === undefined || dir === undefined || nb === undefined) throw new Error('--id, --dir and --nb are required');
  const interval = Number(values.interval);
  if (!Number.isInteger(interval) || interval < 1) throw new Error(`--interval ${values.interval}: a whole number of seconds, at least 1`);
  const spec: FleetHostConfigSpec = {
    id,
    dir,
    nbRemotes: nb,
    libvirt: libvirtOf(values.libvirt),
    requiredNetworks: values['required-network'],
    ...(values.sb ? { sbRemotes: values.sb } : {}),
  };
  if (values.controller !== undefined) {
    const tokenFile = values['token-file'];
    if (tokenFile === undefined) throw new Error('--controller needs --token-file');
    spec.controller = { url: values.controller, tokenFile, intervalSeconds: interval };
  }
  process.stdout.write(fleetHostConfigYaml(spec));
} catch (e) {
  process.stderr.write(`fleet-host-config-cli: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
