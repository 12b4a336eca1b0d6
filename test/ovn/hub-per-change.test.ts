// The work per NB change of a hub is the change's, not the hub's: after a hub-side declaration
// (one key more on a router with hundreds), nothing that follows the change — the cache, the
// NbView's parse and indexes, the status's peering index, the reconciler's pass over what the
// change touched — walks the hub's external_ids. Counted on a real NB: the hub's map is watched
// for the reads that list its keys (for…in, Object.keys, spread, JSON).
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import type { OvnNetworks } from '../../lib/ovn/networks.js';
import { PeeringIndex } from '../../lib/ovn/peering-index.js';
import { networksTouched } from '../../lib/ovn/reconcile.js';
import { encodeDeclaration } from '../../lib/ovn/state.js';
import { peeringKey } from '../../lib/ovn/ids.js';
import { nb } from '../../lib/ovn/nb-operations.js';
import { mutation, where } from '../../lib/ovsdb/operations.js';
import { map, uuid } from '../../lib/ovsdb/values.js';
import { openNetworks } from './helpers.js';

const SPOKES = 60;

describe('ovn: the work per change of a hub (real NB)', function () {
  this.timeout(120_000);
  let ovn: OvnHandle;
  let o: OvnNetworks;

  before(async () => {
    ovn = await startOvn({ northd: false });
    o = await openNetworks(ovn.nb.unix, { reconcile: { debounceMs: 20 } });
    await o.createNetwork({ name: 'hub', ipv4: '172.16.0.1/24' });
    for (let i = 0; i < SPOKES; i++) await o.createNetwork({ name: `s${i}`, ipv4: `10.${1 + (i >> 8)}.${i & 255}.1/24` });
    // Both sides declared in one transaction (all but the hub's towards the last spoke), the rows by the reconciler.
    const decl = (network: string): string => encodeDeclaration({ type: 'local', target: { project: 'default', network }, description: '', config: {} });
    const routerOf = (name: string): string => {
      const r = o.view.network('default', name)?.router;
      if (!r) throw new Error(`no router for ${name}`);
      return r._uuid;
    };
    const hubDecls: Record<string, string> = {};
    const ops = [];
    for (let i = 0; i < SPOKES; i++) {
      ops.push(nb.mutate('Logical_Router', [where('_uuid', '==', uuid(routerOf(`s${i}`)))], [mutation('external_ids', 'insert', map({ [peeringKey('up')]: decl('hub') }))]));
      if (i < SPOKES - 1) hubDecls[peeringKey(`to-s${i}`)] = decl(`s${i}`);
    }
    ops.push(nb.mutate('Logical_Router', [where('_uuid', '==', uuid(routerOf('hub')))], [mutation('external_ids', 'insert', map(hubDecls))]));
    await o.client.transact(ops);
    await o.reconcile();
  });
  after(async () => {
    await o?.close();
    await ovn?.stop();
  });

  it("a hub-side create, the status index and the reconciler's pass do not list the hub's external_ids", async () => {
    const index = new PeeringIndex(o.view);
    const touched: string[] = [];
    o.view.cache.on('batch', (events) => {
      index.note(events);
      const t = networksTouched(o.view, events);
      touched.push(t === 'all' ? 'all' : [...t.keys()].join(','));
    });
    index.update();
    const hub = o.view.network('default', 'hub');
    assert.ok(hub?.router);
    assert.equal(hub.declarations.size, SPOKES - 1);
    // The cached row's map, watched: any read that lists its keys is counted.
    let listed = 0;
    const row = o.view.cache.get('Logical_Router', hub.router._uuid) as { external_ids: Record<string, string> };
    row.external_ids = new Proxy(row.external_ids, {
      ownKeys(target) {
        listed++;
        return Reflect.ownKeys(target);
      },
    });

    const created = await o.createPeering({ network: 'hub', name: `to-s${SPOKES - 1}`, target: `s${SPOKES - 1}` });
    assert.equal(created.status, 'created');
    index.update();
    // The reconciler's debounced pass over the networks the change touched (nothing to repair).
    await new Promise((r) => setTimeout(r, 200));
    const last = index.peeringsOf(hub.id).find((p) => p.name === `to-s${SPOKES - 1}`);
    assert.equal(last?.status, 'created', 'the status index followed the change');
    assert.equal(o.view.network('default', 'hub')?.declarations.size, SPOKES, 'the parse followed the change');
    assert.ok(touched.length > 0 && !touched.includes('all'), `the reconciler's pass looked at the touched networks only (${touched.join(' | ')})`);
    assert.equal(listed, 0, "the hub's external_ids were listed while following the change");
    await waitFor('no repair pending', async () => ((await o.reconcile()).length === 0 ? true : undefined));
  });
});
