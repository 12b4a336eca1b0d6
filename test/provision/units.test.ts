// The units the provisioning scripts install pass `systemd-analyze verify` as installed, with
// their real ExecStart. Offline verify insists that ExecStart's program exists and is
// executable, and /usr/bin/hvnetd exists only in the provisioned tree, so verify runs in a private
// mount namespace where that tree's usr/bin is laid over this machine's /usr/bin (an overlay
// mount nobody else sees). `--root` would not do: it also looks for /bin/kill and sysinit.target
// in the tree, which a provisioned tree does not hold (docs/vagrant.md).
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { CONTROL, HYPERVISOR, outcome } from './helpers.js';

/** systemd-analyze verify UNITS with the trees' usr/bin over /usr/bin; returns its outcome. */
function verifyOver(trees: readonly string[], units: readonly string[]): ReturnType<typeof outcome> {
  if (trees.length === 0) return outcome('systemd-analyze', ['verify', '--man=no', ...units]);
  const lower = [...trees.map((t) => join(t, 'usr/bin')), '/usr/bin'].join(':');
  // The program and its arguments reach unshare as an argument vector; sh only sequences them.
  return outcome('unshare', ['--mount', '--propagation', 'private', 'sh', '-c',
    'mount -t overlay hvnet-verify -o "lowerdir=$1" /usr/bin && shift && exec systemd-analyze verify --man=no "$@"',
    'sh', lower, ...units]);
}

describe('provision: installed units', () => {
  it('hvnetd.service and hvnet-controller.service as installed pass systemd-analyze verify; the controller exposure stays low; sysusers entry parses', async () => {
    const token = join(testRun.tempDir('token'), 'token');
    writeFileSync(token, 't\n', { mode: 0o600 });
    const hv = testRun.tempDir('root-hv');
    const control = testRun.tempDir('root-control');
    await run('bash', [HYPERVISOR, '--root', hv, '--host-id', 'hv1', '--nb', 'unix:/run/ovn/ovnnb_db.sock', '--sb', 'unix:/run/ovn/ovnsb_db.sock']);
    await run('bash', [CONTROL, '--root', control, '--listen-ip', '127.0.0.1', '--token-file', token]);
    const units = [join(hv, 'usr/lib/systemd/system/hvnetd.service'), join(control, 'usr/lib/systemd/system/hvnet-controller.service')];

    const ok = await verifyOver([hv, control], units);
    assert.equal(ok.code, 0, `verify failed: ${ok.stderr}`);
    // The overlay is what makes ExecStart resolve: without the trees, verify refuses the same units.
    const bare = await verifyOver([], units);
    assert.notEqual(bare.code, 0);
    assert.match(bare.stderr, /Command \/usr\/bin\/hvnetd is not executable/);

    // hvnetd.service's score is held by test/agent/systemd-unit.test.ts; the controller's is held here.
    const security = await outcome('systemd-analyze', ['security', '--offline=true', units[1] ?? '']);
    const score = Number(/Overall exposure level for hvnet-controller\.service: ([\d.]+)/.exec(security.stdout)?.[1]);
    assert.ok(score <= 2.0, `hvnet-controller.service exposure ${score}`);

    const sysusers = await outcome('systemd-sysusers', ['--root', hv, '--dry-run']);
    assert.equal(sysusers.code, 0, sysusers.stderr);
    assert.match(`${sysusers.stdout}${sysusers.stderr}`, /Creating group 'hvnet'/);
    assert.ok(!existsSync(join(hv, 'etc/group')), '--dry-run writes nothing');
  });
});
