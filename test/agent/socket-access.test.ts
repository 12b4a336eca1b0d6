// Who may use the socket, and what a bad configuration does: a user outside the socket's group
// gets "permission denied" from the real CLI (run as nobody through setpriv); a user in it gets
// an answer; an unknown key or a bad value makes hvnetd exit 78 naming the key.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testRun } from '../../testbed/test-run.js';
import { hvnetCli, startHvnetd, writeConfig } from './harness.js';

const AS_NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];

describe('agent: socket access and configuration errors', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;

  before(async () => {
    ovn = await startOvn({ northd: false });
  });
  after(async () => {
    await ovn.stop();
  });

  it('a user outside the socket group gets permission denied; one in it gets the status', async () => {
    // The configured group does not exist: the socket stays root's, mode 0660.
    const closed = await startHvnetd(writeConfig(testRun.tempDir('sock-closed'), ovn.nb.unix, { api: { group: `no-${testRun.nextName()}` } }));
    const denied = await hvnetCli(['--socket', closed.setup.socket, 'status'], { prefix: AS_NOBODY });
    assert.equal(denied.code, 1, denied.stderr);
    assert.match(denied.stderr, /permission denied on .*hvnet\.sock/);
    assert.match(denied.stderr, /group 'hvnet'/);
    await closed.daemon.stop();

    // Group nogroup: nobody (gid nogroup) may connect.
    const open = await startHvnetd(writeConfig(testRun.tempDir('sock-open'), ovn.nb.unix, { api: { group: 'nogroup' } }));
    const allowed = await hvnetCli(['--socket', open.setup.socket, 'status', '--format', 'json'], { prefix: AS_NOBODY });
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal((JSON.parse(allowed.stdout) as { status: { host: { id: string } } }).status.host.id, open.setup.hostId);
    await open.daemon.stop();
  });

  it('the CLI without a daemon says so and how to start one', async () => {
    const r = await hvnetCli(['--socket', join(testRun.tempDir('nodaemon'), 'hvnet.sock'), 'status']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot reach hvnetd .*systemctl start hvnetd.*hvnetd --config FILE/);
  });

  for (const [what, patch, key] of [
    ['an unknown key', { ovn: { nb: { remote: 'unix:/x' } } }, /ovn\.nb\.remote: unknown key 'remote' \(allowed: remotes, /],
    ['a bad value', { health: { requiredLinks: [{ name: 'eth0', minMtu: 9 }] } }, /health\.requiredLinks\[0\]\.minMtu: expected integer ≥ 68/],
    ['a bad remote', { ovn: { nb: { remotes: 'ptcp:6641' } } }, /ovn\.nb\.remotes: invalid OVSDB remote/],
    ['a root reserve as large as the limit', { api: { maxConnections: 8, rootReservedConnections: 8 } }, /api\.rootReservedConnections: must be less than api\.maxConnections \(8\)/],
  ] as const) {
    it(`${what}: hvnetd exits 78 naming the key; hvnet config check agrees`, async () => {
      const setup = writeConfig(testRun.tempDir('badcfg'), ovn.nb.unix, patch);
      const hv = await startHvnetd(setup, { waitSocket: false });
      const exit = await hv.daemon.exited;
      assert.deepEqual(exit, { code: 78, signal: null });
      assert.match(hv.daemon.log(), key);
      const check = await hvnetCli(['config', 'check', setup.configFile]);
      assert.equal(check.code, 78);
      assert.match(check.stderr, key);
      await hv.daemon.stop();
    });
  }

  it('hvnet config check accepts the generated example and a minimal file', async () => {
    const dir = testRun.tempDir('okcfg');
    const minimal = join(dir, 'min.yaml');
    writeFileSync(minimal, 'host:\n');
    for (const f of [minimal, 'agent/config/hvnet.example.yaml']) {
      const r = await hvnetCli(['config', 'check', f, '--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { api: { mode: string } }).api.mode, '0660');
    }
  });
});
