// The netns/veth fixtures create what they say and take it down again, also when a namespace
// disappears with a veth end inside it.
import assert from 'node:assert/strict';
import { run, waitFor } from '../../testbed/exec.js';
import { netns, vethPair } from '../../testbed/netns.js';

async function namespaces(): Promise<string[]> {
  const out = await run('ip', ['netns', 'list']);
  return out
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.length > 0);
}

/** Whether a link exists, in the root namespace or in `ns`. */
async function linkExists(name: string, ns?: string): Promise<boolean> {
  return run('ip', [...(ns ? ['-n', ns] : []), 'link', 'show', 'dev', name]).then(
    () => true,
    () => false,
  );
}

describe('netns fixture', () => {
  it('netns() creates a namespace with lo up, delete() removes it', async () => {
    const ns = await netns();
    assert.ok((await namespaces()).includes(ns.name), `${ns.name} in ip netns list`);
    assert.match(await run('ip', ['-n', ns.name, 'link', 'show', 'lo']), /[<,]UP[,>]/);
    assert.match(await ns.exec('ip', ['-o', 'link', 'show']), /^1: lo:/);
    await ns.delete();
    assert.ok(!(await namespaces()).includes(ns.name), `${ns.name} gone from ip netns list`);
    await ns.delete(); // a second call is a no-op
  });

  it('vethPair() creates both ends up in the root namespace, delete() removes both', async () => {
    const v = await vethPair();
    assert.ok(v.a.length <= 15 && v.b.length <= 15);
    assert.match(await run('ip', ['link', 'show', 'dev', v.a]), new RegExp(`${v.a}@${v.b}:.*[<,]UP[,>]`));
    assert.match(await run('ip', ['link', 'show', 'dev', v.b]), new RegExp(`${v.b}@${v.a}:.*[<,]UP[,>]`));
    await v.delete();
    assert.equal(await linkExists(v.a), false);
    assert.equal(await linkExists(v.b), false);
  });

  it('vethPair({ nsB }) moves one end into the namespace', async () => {
    const ns = await netns();
    const v = await vethPair({ nsB: ns });
    assert.equal(await linkExists(v.a), true);
    assert.equal(await linkExists(v.b), false, 'b is no longer in the root namespace');
    assert.match(await run('ip', ['-n', ns.name, 'link', 'show', 'dev', v.b]), /[<,]UP[,>]/);
    await v.delete();
    assert.equal(await linkExists(v.a), false);
    assert.equal(await linkExists(v.b, ns.name), false);
    await ns.delete();
  });

  it('deleting the namespace takes its veth end and the peer with it; the pair cleanup still succeeds', async () => {
    const ns = await netns();
    const v = await vethPair({ nsB: ns });
    await ns.delete();
    // The kernel dismantles the namespace asynchronously; the root end goes with its peer.
    await waitFor(`${v.a} to vanish with its peer`, async () => ((await linkExists(v.a)) ? undefined : true), 10_000);
    await v.delete(); // must not throw although neither end exists any more
  });
});
