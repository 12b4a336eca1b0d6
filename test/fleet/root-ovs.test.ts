// One netdev ovs-vswitchd fits in the root namespace: the fleet fixture refuses to start hv1
// beside one it did not start and names it, and ignores those in other namespaces and zombies.
// A /proc-like tree stands in for a second real ovs-vswitchd in the root namespace.
import assert from 'node:assert/strict';
import { mkdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoForeignRootVswitchd, rootVswitchds } from '../../testbed/root-ovs.js';
import { testRun } from '../../testbed/test-run.js';

function fakeProc(entries: { pid: number; comm: string; state: string; netns: string }[]): string {
  const root = testRun.tempDir('fake-proc');
  for (const e of entries) {
    const d = join(root, String(e.pid));
    mkdirSync(join(d, 'ns'), { recursive: true });
    writeFileSync(join(d, 'comm'), `${e.comm}\n`);
    writeFileSync(join(d, 'stat'), `${e.pid} (${e.comm}) ${e.state} 1 1 1 0 -1\n`);
    symlinkSync(e.netns, join(d, 'ns', 'net'));
  }
  return root;
}

describe('fleet: a foreign ovs-vswitchd in the root namespace', () => {
  const here = readlinkSync('/proc/self/ns/net');

  it('is found and refused with its pid; other namespaces, zombies and other programs are not', async () => {
    const root = fakeProc([
      { pid: 4242, comm: 'ovs-vswitchd', state: 'S', netns: here },
      { pid: 4243, comm: 'ovs-vswitchd', state: 'S', netns: 'net:[1]' },
      { pid: 4244, comm: 'ovs-vswitchd', state: 'Z', netns: here },
      { pid: 4245, comm: 'ovsdb-server', state: 'S', netns: here },
    ]);
    assert.deepEqual(rootVswitchds(root), [{ pid: 4242, ours: false }]);
    await assert.rejects(assertNoForeignRootVswitchd(root), /ovs-vswitchd not started by this run is in the root network namespace \(pid 4242\).*ovs-netdev/);
  });

  it('nothing there: no refusal', async () => {
    const root = fakeProc([{ pid: 5000, comm: 'ovs-vswitchd', state: 'S', netns: 'net:[2]' }]);
    assert.deepEqual(rootVswitchds(root), []);
    await assertNoForeignRootVswitchd(root);
  });
});
