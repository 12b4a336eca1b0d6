// The provisioning scripts run into a temporary root (as DESTDIR) write exactly the files a host
// needs, with the configuration the daemon accepts, and leave packages, services and OVS alone.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { testRun } from '../../testbed/test-run.js';
import { CONTROL, HYPERVISOR, REPO, outcome, tree } from './helpers.js';

function tokenFile(): string {
  const file = join(testRun.tempDir('token'), 'token');
  writeFileSync(file, 'lab-token-123\n', { mode: 0o600 });
  return file;
}

const HV_ARGS = ['--host-id', 'hv1', '--nb', 'tcp:192.168.57.10:6641', '--sb', 'tcp:192.168.57.10:6642'];

describe('provision: scripts into a temporary root', () => {
  it('hypervisor.sh writes exactly the config, token, unit, sysusers entry, wrappers and enable link', async () => {
    const root = testRun.tempDir('root-hv');
    const token = tokenFile();
    const r = await outcome('bash', [HYPERVISOR, '--root', root, ...HV_ARGS, '--controller', 'http://192.168.57.10:8740',
      '--token-file', token, '--report-interval', '5', '--encap-ip', '192.168.57.11']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(tree(root), [
      '0600 /etc/hvnet/controller.token',
      '0644 /etc/hvnet/hvnet.yaml',
      '0644 /usr/lib/systemd/system/hvnetd.service',
      '0644 /usr/lib/sysusers.d/hvnet.conf',
      '0755 /usr/bin/hvnet',
      '0755 /usr/bin/hvnetd',
      'link /etc/systemd/system/multi-user.target.wants/hvnetd.service -> /usr/lib/systemd/system/hvnetd.service',
    ].sort());
    assert.deepEqual(parse(readFileSync(join(root, 'etc/hvnet/hvnet.yaml'), 'utf8')), {
      host: { id: 'hv1' },
      ovn: { nb: { remotes: 'tcp:192.168.57.10:6641' }, sb: { remotes: 'tcp:192.168.57.10:6642' } },
      libvirt: { uri: 'qemu:///system' },
      controller: { url: 'http://192.168.57.10:8740', tokenFile: '/etc/hvnet/controller.token', intervalSeconds: 5 },
    });
    assert.equal(readFileSync(join(root, 'etc/hvnet/controller.token'), 'utf8'), 'lab-token-123\n');
    assert.equal(readFileSync(join(root, 'usr/lib/systemd/system/hvnetd.service'), 'utf8'), readFileSync(join(REPO, 'systemd/hvnetd.service'), 'utf8'));
    assert.equal(readFileSync(join(root, 'usr/lib/sysusers.d/hvnet.conf'), 'utf8'), readFileSync(join(REPO, 'systemd/hvnet.sysusers.conf'), 'utf8'));
    assert.match(readFileSync(join(root, 'usr/bin/hvnetd'), 'utf8'), new RegExp(`^exec /usr/bin/node '${REPO}/dist/agent/bin/hvnetd\\.js' "\\$@"$`, 'm'));
    // What needs a live machine is named, not done.
    assert.match(r.stdout, new RegExp(`^skipped \\(--root ${root}\\): apt-get install ovn-host openvswitch-switch .*libvirt-daemon-system`, 'm'));
    assert.doesNotMatch(r.stdout, /apt-get install .*ovn-central/);
    assert.doesNotMatch(r.stdout, /apt-get install .*vagrant/, 'the test-only packages stay off a hypervisor');
    assert.match(r.stdout, /^skipped .*: ovs-vsctl set Open_vSwitch \. external_ids:system-id=hv1 external_ids:ovn-remote=tcp:192\.168\.57\.10:6642 external_ids:ovn-encap-type=geneve external_ids:ovn-encap-ip=192\.168\.57\.11$/m);
    assert.match(r.stdout, /^skipped .*: systemctl restart hvnetd\.service$/m);
  });

  it('hypervisor.sh --no-libvirt installs no libvirt or QEMU, configures a network-only node; without a controller there is no token', async () => {
    const root = testRun.tempDir('root-hv-nolibvirt');
    const r = await outcome('bash', [HYPERVISOR, '--root', `${root}/`, ...HV_ARGS, '--no-libvirt', '--socket', '/run/hvnet-lab/hv2/hvnet.sock', '--state-dir', '/var/lib/hvnet-hv2']);
    assert.equal(r.code, 0, r.stderr);
    const apt = /^skipped .*: apt-get install (.*)$/m.exec(r.stdout)?.[1] ?? '';
    assert.match(apt, /\bovn-host\b/);
    assert.doesNotMatch(apt, /libvirt|qemu/);
    assert.ok(!tree(root).some((e) => e.includes('controller.token')));
    const config = parse(readFileSync(join(root, 'etc/hvnet/hvnet.yaml'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(config.libvirt, { enabled: false }, 'a network-only node: operational without libvirt');
    assert.deepEqual(config.api, { socket: '/run/hvnet-lab/hv2/hvnet.sock' });
    assert.equal(config.stateDir, '/var/lib/hvnet-hv2');
    assert.equal(config.controller, undefined);
    assert.doesNotMatch(r.stdout, /ovs-vsctl/, 'without --encap-ip the chassis is left alone');
  });

  it('a lab-shaped host: token named in place, required networks, test driver; a second run changes nothing', async () => {
    const root = testRun.tempDir('root-lab');
    const args = [HYPERVISOR, '--root', root, ...HV_ARGS, '--controller', 'http://127.0.0.1:8740', '--token-at', '/run/hvnet-lab/controller/token',
      '--required-network', 'blue/net-a', '--required-network', 'net-b', '--libvirt-uri', 'test:///run/hvnet-lab/hv2/libvirt.xml',
      '--socket', '/run/hvnet-lab/hv2/hvnet.sock'];
    assert.equal((await outcome('bash', args)).code, 0);
    const first = tree(root);
    assert.ok(!first.some((e) => e.includes('controller.token')), '--token-at copies nothing');
    const config = parse(readFileSync(join(root, 'etc/hvnet/hvnet.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
    assert.equal(config.controller?.tokenFile, '/run/hvnet-lab/controller/token');
    assert.deepEqual(config.health, { requiredNetworks: ['blue/net-a', 'net-b'] });
    assert.deepEqual(config.libvirt, { uri: 'test:///run/hvnet-lab/hv2/libvirt.xml' });
    const again = await outcome('bash', args);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(tree(root), first);
  });

  it('--quick-checks: the lab timings (NB probe, controller retries, health poll) the daemon accepts', async () => {
    const root = testRun.tempDir('root-quick');
    const r = await outcome('bash', [HYPERVISOR, '--root', root, ...HV_ARGS, '--quick-checks', '--controller', 'http://127.0.0.1:8740',
      '--token-at', '/run/hvnet-lab/controller/token', '--report-interval', '3', '--libvirt-uri', 'qemu+unix:///system?socket=/run/x/libvirt-sock']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(parse(readFileSync(join(root, 'etc/hvnet/hvnet.yaml'), 'utf8')), {
      host: { id: 'hv1' },
      ovn: { nb: { remotes: 'tcp:192.168.57.10:6641', inactivityProbeMs: 2000, readyTimeoutSeconds: 20 }, sb: { remotes: 'tcp:192.168.57.10:6642' } },
      libvirt: { uri: 'qemu+unix:///system?socket=/run/x/libvirt-sock' },
      controller: { url: 'http://127.0.0.1:8740', tokenFile: '/run/hvnet-lab/controller/token', intervalSeconds: 3, retry: { initialSeconds: 0.5, maxSeconds: 2 } },
      health: { pollIntervalMs: 200 },
    });
  });

  it('the installed wrappers run hvnet from --app', async () => {
    const root = testRun.tempDir('root-wrappers');
    assert.equal((await outcome('bash', [HYPERVISOR, '--root', root, ...HV_ARGS])).code, 0);
    assert.equal((await outcome('bash', [CONTROL, '--root', root, '--listen-ip', '::1', '--token-file', tokenFile()])).code, 0);
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    for (const bin of ['hvnetd', 'hvnet-controller']) {
      const r = await outcome(join(root, 'usr/bin', bin), ['--version']);
      assert.equal(r.stdout.trim(), version, `${bin}: ${r.stderr}`);
    }
    const check = await outcome(join(root, 'usr/bin/hvnet'), ['config', 'check', join(root, 'etc/hvnet/hvnet.yaml'), '--format', 'json']);
    assert.equal(check.code, 0, check.stderr);
    assert.equal((JSON.parse(check.stdout) as { host: { id: string } }).host.id, 'hv1');
    assert.match(readFileSync(join(root, 'etc/default/hvnet-controller'), 'utf8'), /^HVNET_CONTROLLER_LISTEN=\[::1\]:8740$/m);
  });

  it('control.sh writes ovn-central options, the controller unit, its listen address, token and enable link', async () => {
    const root = testRun.tempDir('root-control');
    const r = await outcome('bash', [CONTROL, '--root', root, '--listen-ip', '192.168.57.10', '--token-file', tokenFile(), '--open-reads']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(tree(root), [
      '0600 /etc/hvnet/controller.token',
      '0644 /etc/default/hvnet-controller',
      '0644 /etc/default/ovn-central',
      '0644 /usr/lib/systemd/system/hvnet-controller.service',
      '0755 /usr/bin/hvnet',
      '0755 /usr/bin/hvnet-controller',
      'link /etc/systemd/system/multi-user.target.wants/hvnet-controller.service -> /usr/lib/systemd/system/hvnet-controller.service',
    ].sort());
    const env = readFileSync(join(root, 'etc/default/hvnet-controller'), 'utf8');
    assert.match(env, /^HVNET_CONTROLLER_LISTEN=192\.168\.57\.10:8740$/m);
    assert.match(env, /^HVNET_CONTROLLER_OPTS=--open-reads$/m);
    assert.match(readFileSync(join(root, 'etc/default/ovn-central'), 'utf8'),
      /^OVN_CTL_OPTS="--db-nb-addr=192\.168\.57\.10 --db-nb-create-insecure-remote=yes --db-sb-addr=192\.168\.57\.10 --db-sb-create-insecure-remote=yes"$/m);
    const apt = /^skipped .*: apt-get install (.*)$/m.exec(r.stdout)?.[1] ?? '';
    assert.match(apt, /\bovn-central\b/);
    assert.doesNotMatch(apt, /ovn-host|libvirt|qemu/);
  });
});
