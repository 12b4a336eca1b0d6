// A big monitor update is decoded in slices, the event loop free between them, and applied in
// one go: readers never see part of it, the result is what applying it at once gives, an update
// overtaken meanwhile is dropped whole, and what the server sent after it is seen after it.
import assert from 'node:assert/strict';
import { Duplex, PassThrough } from 'node:stream';
import { TableCache } from '../../lib/ovsdb/cache.js';
import type { CacheEvent } from '../../lib/ovsdb/cache.js';
import { RpcConnection } from '../../lib/ovsdb/connection.js';
import { SlicedJsonParse } from '../../lib/ovsdb/json-slices.js';
import { DecodeError, FramingError, UpdateDroppedError } from '../../lib/ovsdb/errors.js';
import { parseRemote } from '../../lib/ovsdb/remotes.js';
import { OvsdbSession } from '../../lib/ovsdb/session.js';
import { DatabaseMonitor } from '../../lib/ovsdb/monitor.js';
import { insert } from '../../lib/ovsdb/operations.js';
import { readTransactResult } from '../../lib/ovsdb/transact-result.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { cacheRows, serverRows } from './server-rows.js';

const U = (i: number): string => `6c2bd7a2-8b4e-4c3f-9f57-${i.toString(16).padStart(12, '0')}`;
const tables = { Logical_Switch: ['name', 'external_ids', 'ports'] } as const;
const newCache = (): TableCache => new TableCache(ovnNorthboundSchema, tables, { Logical_Switch: [['name']] });

/** 200 switches, then an update that inserts 2,000, changes 100 (a map key, a set element) and deletes 50. */
function seeded(): { cache: TableCache; update: Record<string, Record<string, unknown>> } {
  const cache = newCache();
  const seed: Record<string, unknown> = {};
  for (let i = 0; i < 200; i++) seed[U(i)] = { insert: { name: `s${i}`, external_ids: ['map', [['k', 'v']]] } };
  cache.applyUpdates({ Logical_Switch: seed });
  const rows: Record<string, unknown> = {};
  for (let i = 0; i < 100; i++) rows[U(i)] = { modify: { external_ids: ['map', [['k', 'w'], ['n', `${i}`]]], ports: ['uuid', U(10_000 + i)] } };
  for (let i = 100; i < 150; i++) rows[U(i)] = { delete: null };
  for (let i = 1000; i < 3000; i++) rows[U(i)] = { insert: { name: `s${i}`, external_ids: ['map', [['new', 'yes']]] } };
  return { cache, update: { Logical_Switch: rows } };
}

const snapshot = (c: TableCache): string[] => cacheRows(c, 'Logical_Switch');

/** `n` switches inserted in one transaction by another client. */
async function insertSwitches(remotes: string, n: number): Promise<void> {
  const other = new OvsdbSession({ remotes, database: 'OVN_Northbound' }).start();
  try {
    await other.ready(20_000);
    const ops = Array.from({ length: n }, (_, i) => insert('Logical_Switch', { name: `away-${i}` }));
    readTransactResult(ops, await other.transact(ops));
  } finally {
    other.close();
  }
}

/** Shows `seen` what each of the monitor's updates gave: its events, or a promise while it is taken in slices. */
function watchApplies(monitor: DatabaseMonitor, seen: (result: ReturnType<TableCache['applyUpdatesInSlices']>) => void): void {
  const apply = monitor.cache.applyUpdatesInSlices.bind(monitor.cache);
  monitor.cache.applyUpdatesInSlices = (u, o) => {
    const r = apply(u, o);
    seen(r);
    return r;
  };
}
const summary = (events: readonly CacheEvent[]): string[] => events.map((e) => `${e.kind} ${e.kind === 'delete' ? e.old._uuid : e.row._uuid}`);

describe('ovsdb: a big update taken in slices (pure)', () => {
  it('decoded over many turns, applied and announced in one go, with the rows and events of applyUpdates', async () => {
    const { cache, update } = seeded();
    const twin = seeded();
    const expected = twin.cache.applyUpdates(twin.update);
    const before = snapshot(cache);
    const batches: CacheEvent[][] = [];
    cache.on('batch', (events) => batches.push(events));
    // A slice of 0 ms: the clock is read every few rows, so every few rows yield.
    const result = cache.applyUpdatesInSlices(update, { sliceMs: 0 });
    assert.ok(result instanceof Promise, 'not applied in the task it came in');
    let turns = 0;
    let partSeen = false;
    const watch = (): void => {
      if (batches.length > 0) return;
      turns++;
      if (snapshot(cache).join() !== before.join()) partSeen = true;
      setImmediate(watch);
    };
    setImmediate(watch);
    const events = await result;
    assert.ok(turns > 10, `the event loop turned between slices (${turns} turns)`);
    assert.equal(partSeen, false, 'no reader saw part of the update');
    assert.equal(batches.length, 1, 'one batch');
    assert.deepEqual(summary(events), summary(expected));
    assert.deepEqual(snapshot(cache), snapshot(twin.cache));
    // The changes in place read as before on the old rows, as with applyUpdates.
    const modified = events.find((e) => e.kind === 'update');
    assert.ok(modified?.kind === 'update');
    assert.deepEqual(modified.old.external_ids, { k: 'v' });
    assert.deepEqual(modified.changes?.external_ids, { kind: 'map', before: new Map([['k', 'v'], ['n', undefined]]) });
    assert.equal(cache.lookupOne('Logical_Switch', 'name', 's2999')?._uuid, U(2999));
    assert.equal(cache.lookupOne('Logical_Switch', 'name', 's120'), undefined);
  });

  it('a change to the cache while it is decoded drops it whole: UpdateDroppedError, none of it applied', async () => {
    const { cache, update } = seeded();
    const result = cache.applyUpdatesInSlices(update, { sliceMs: 0 });
    assert.ok(result instanceof Promise);
    cache.applyUpdates({ Logical_Switch: { [U(5000)]: { insert: { name: 'meanwhile' } } } });
    const after = snapshot(cache);
    await assert.rejects(result, (e: unknown) => e instanceof UpdateDroppedError && /changed meanwhile/.test(e.message));
    assert.deepEqual(snapshot(cache), after);
    assert.equal(cache.lookupOne('Logical_Switch', 'name', 's2999'), undefined);
  });

  it('an update no longer wanted (its connection closed) is dropped whole', async () => {
    const { cache, update } = seeded();
    const before = snapshot(cache);
    let wanted = true;
    const result = cache.applyUpdatesInSlices(update, { sliceMs: 0, wanted: () => wanted });
    assert.ok(result instanceof Promise);
    wanted = false;
    await assert.rejects(result, (e: unknown) => e instanceof UpdateDroppedError && /no longer wanted/.test(e.message));
    assert.deepEqual(snapshot(cache), before);
  });

  it('a row that does not decode: DecodeError naming table and column, and no row of the update applied', async () => {
    for (const sliceMs of [Number.POSITIVE_INFINITY, 0]) {
      const { cache, update } = seeded();
      const before = snapshot(cache);
      const rows = update.Logical_Switch as Record<string, unknown>;
      rows[U(9999)] = { insert: { name: 42 } };
      let events = 0;
      cache.on('change', () => events++);
      await assert.rejects(
        async () => cache.applyUpdatesInSlices(update, { sliceMs }),
        (e: unknown) => e instanceof DecodeError && e.table === 'Logical_Switch' && e.column === 'name',
      );
      assert.deepEqual(snapshot(cache), before, `slice ${sliceMs} ms: the cache is unchanged`);
      assert.equal(events, 0);
    }
  });

  it('a resync in slices announces the differences only, as replaceAll does', async () => {
    const { cache } = seeded();
    const twin = seeded().cache;
    const fresh: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) if (i % 3 !== 0) fresh[U(i)] = { initial: { name: `s${i}`, external_ids: ['map', [['k', i % 2 === 0 ? 'v' : 'x']]] } };
    for (let i = 500; i < 1500; i++) fresh[U(i)] = { initial: { name: `s${i}` } };
    const expected = twin.replaceAll({ Logical_Switch: fresh });
    const result = cache.replaceAllInSlices({ Logical_Switch: fresh }, { sliceMs: 0 });
    assert.ok(result instanceof Promise);
    const events = await result;
    assert.deepEqual(summary(events).sort(), summary(expected).sort());
    assert.deepEqual(snapshot(cache), snapshot(twin));
    assert.ok(events.some((e) => e.kind === 'update') && events.some((e) => e.kind === 'delete') && events.some((e) => e.kind === 'insert'));
  });
});

describe('ovsdb connection: a hold keeps the server order', () => {
  it('messages after a held notification, replies included, come after it; echo is answered meanwhile', async () => {
    const toClient = new PassThrough();
    const fromClient = new PassThrough();
    const conn = RpcConnection.fromStream(parseRemote('unix:/nowhere'), Duplex.from({ readable: toClient, writable: fromClient }), { inactivityProbeMs: 0 });
    const seen: string[] = [];
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    conn.on('notification', (n) => {
      seen.push(n.method);
      if (n.method === 'big') conn.holdUntil(gate);
    });
    const written: string[] = [];
    fromClient.on('data', (d: Buffer) => written.push(d.toString()));
    const reply = conn.call('list_dbs', []).then((r) => seen.push(`reply ${JSON.stringify(r)}`));
    await new Promise((r) => setImmediate(r));
    toClient.write(
      JSON.stringify({ method: 'big', params: [], id: null }) +
        JSON.stringify({ method: 'after', params: [], id: null }) +
        JSON.stringify({ result: ['db'], error: null, id: 1 }) +
        JSON.stringify({ method: 'echo', params: ['ping'], id: 'e1' }),
    );
    await waitFor('echo answered', () => (written.some((w) => w.includes('"id":"e1"')) ? true : undefined), 2_000);
    assert.deepEqual(seen, ['big'], 'nothing after the held notification yet');
    open();
    await reply;
    assert.deepEqual(seen, ['big', 'after', 'reply ["db"]']);
    conn.close();
  });
});

describe('ovsdb connection: a big message parsed in steps', () => {
  function pipe(): { conn: RpcConnection; toClient: PassThrough; written: string[]; seen: string[] } {
    const toClient = new PassThrough();
    const fromClient = new PassThrough();
    const conn = RpcConnection.fromStream(parseRemote('unix:/nowhere'), Duplex.from({ readable: toClient, writable: fromClient }), {
      inactivityProbeMs: 0,
      slicedParseMinChars: 10_000,
      parseSliceMs: 0,
    });
    const written: string[] = [];
    const seen: string[] = [];
    fromClient.on('data', (d: Buffer) => {
      written.push(d.toString());
      if (d.includes('"id":"e1"')) seen.push('echo answered');
    });
    return { conn, toClient, written, seen };
  }

  const rows: Record<string, unknown> = {};
  for (let i = 0; i < 3_000; i++) rows[`uuid-${i}`] = { initial: { name: `ls-${i}`, other_config: ['map', [['k', `v "${i}" \\`]]] } };
  const big = { method: 'update3', params: ['m', '00000000-0000-0000-0000-000000000000', { Logical_Switch: rows }], id: null };

  it('keeps its place: what came after it, a reply included, comes after it; an echo behind it is answered first', async () => {
    const { conn, toClient, seen } = pipe();
    let params: unknown;
    conn.on('notification', (n) => {
      seen.push(n.method);
      if (n.method === 'update3') params = n.params;
    });
    const reply = conn.call('list_dbs', []).then((r) => seen.push(`reply ${JSON.stringify(r)}`));
    await new Promise((r) => setImmediate(r));
    toClient.write(
      JSON.stringify(big) +
        JSON.stringify({ method: 'after', params: [], id: null }) +
        JSON.stringify({ result: ['db'], error: null, id: 1 }) +
        JSON.stringify({ method: 'echo', params: ['ping'], id: 'e1' }),
    );
    await reply;
    assert.deepEqual(seen, ['echo answered', 'update3', 'after', 'reply ["db"]']);
    assert.deepEqual(params, big.params);
    conn.close();
  });

  it('that is not JSON drops the connection with a FramingError, and the calls waiting behind it fail', async () => {
    const { conn, toClient } = pipe();
    const closed = new Promise<Error | undefined>((resolve) => conn.on('close', resolve));
    const reply = conn.call('list_dbs', []);
    await new Promise((r) => setImmediate(r));
    toClient.write(JSON.stringify(big).replace('"ls-2999"', '"ls-2999" 7') + JSON.stringify({ result: ['db'], error: null, id: 1 }));
    const why = await closed;
    assert.ok(why instanceof FramingError, String(why));
    assert.match(why.message, /not valid JSON/);
    await assert.rejects(reply);
  });
});

describe('ovsdb monitor: a big update on a real NB', function () {
  this.timeout(120_000);
  let ovn: OvnHandle;

  before(async () => {
    ovn = await startOvn({ northd: false });
  });
  after(async () => {
    await ovn?.stop();
  });

  // Slices of 0 ms: any update of more than a few rows is taken in slices, whatever the machine's speed.
  it("20,000 rows in one transaction: taken in slices, and the transaction's reply is seen after the cache holds them", async () => {
    const session = new OvsdbSession({ remotes: ovn.nb.unix, database: 'OVN_Northbound' });
    const monitor = new DatabaseMonitor(session, ovnNorthboundSchema, { tables: { Logical_Switch: ['name'] }, sliceMs: 0 });
    const taken: ('sliced' | 'at once')[] = [];
    watchApplies(monitor, (r) => taken.push(r instanceof Promise ? 'sliced' : 'at once'));
    session.start();
    try {
      await session.ready(20_000);
      await monitor.synced();
      taken.length = 0;
      const ops = Array.from({ length: 20_000 }, (_, i) => insert('Logical_Switch', { name: `big-${i}` }));
      readTransactResult(ops, await session.transact(ops));
      assert.equal(monitor.cache.table('Logical_Switch').size, 20_000, 'the reply came after the update was applied');
      assert.deepEqual(taken, ['sliced']);
      const small = [insert('Logical_Switch', { name: 'small' })];
      readTransactResult(small, await session.transact(small));
      assert.equal(monitor.cache.table('Logical_Switch').size, 20_001);
      assert.deepEqual(taken, ['sliced', 'at once'], 'a small update is applied in the task it came in');
    } finally {
      session.close();
    }
  });

  it('a first snapshot of 20,000 rows and more is parsed in steps and fills the cache as the server has it', async () => {
    await insertSwitches(ovn.nb.unix, 20_000);
    const session = new OvsdbSession({ remotes: ovn.nb.unix, database: 'OVN_Northbound', slicedParseMinChars: 100_000, parseSliceMs: 0 });
    const monitor = new DatabaseMonitor(session, ovnNorthboundSchema, { tables: { Logical_Switch: ['name'] } });
    // Counted at the prototype: the connection makes its parses where the test cannot reach.
    const original = Object.getOwnPropertyDescriptor(SlicedJsonParse.prototype, 'step') as PropertyDescriptor;
    const step = original.value as (this: SlicedJsonParse, deadline: number) => boolean;
    let steps = 0;
    SlicedJsonParse.prototype.step = function (this: SlicedJsonParse, deadline: number) {
      steps++;
      return step.call(this, deadline);
    };
    session.start();
    try {
      await session.ready(20_000);
      await monitor.synced();
      Object.defineProperty(SlicedJsonParse.prototype, 'step', original);
      assert.ok(steps > 10, `${steps} steps`);
      assert.ok(monitor.cache.table('Logical_Switch').size >= 20_000);
      assert.deepEqual(cacheRows(monitor.cache, 'Logical_Switch'), await serverRows(ovn.nb.unix, 'Logical_Switch', ['name']));
    } finally {
      Object.defineProperty(SlicedJsonParse.prototype, 'step', original);
      session.close();
    }
  });

  it('a connection lost while an update is decoded: the update is dropped, the resync brings the rows', async () => {
    const session = new OvsdbSession({ remotes: ovn.nb.unix, database: 'OVN_Northbound' });
    const monitor = new DatabaseMonitor(session, ovnNorthboundSchema, { tables: { Logical_Switch: ['name'] }, sliceMs: 0 });
    const dropped: unknown[] = [];
    watchApplies(monitor, (r) => {
      // The first big one: the connection drops while it is being decoded.
      if (r instanceof Promise && dropped.length === 0) {
        r.catch((e: unknown) => dropped.push(e));
        session.reconnect('test: drop during a sliced update');
      }
    });
    session.start();
    try {
      await session.ready(20_000);
      await monitor.synced();
      const before = monitor.cache.table('Logical_Switch').size;
      await insertSwitches(ovn.nb.unix, 10_000);
      await waitFor('resynced', () => (monitor.cache.table('Logical_Switch').size === before + 10_000 ? true : undefined), 30_000);
      assert.ok(dropped[0] instanceof UpdateDroppedError, String(dropped[0]));
      assert.ok(monitor.stats.syncs >= 2);
      assert.deepEqual(cacheRows(monitor.cache, 'Logical_Switch'), await serverRows(ovn.nb.unix, 'Logical_Switch', ['name']));
    } finally {
      session.close();
    }
  });
});

describe('ovsdb monitor: a resumed sync dropped halfway, on a cluster', function () {
  this.timeout(120_000);
  let ovn: OvnHandle;

  before(async () => {
    ovn = await startOvn({ northd: false, clustered: 3 });
  });
  after(async () => {
    await ovn?.stop();
  });

  it('the next sync resumes from the last transaction applied, not from the one whose reply was dropped', async () => {
    const session = new OvsdbSession({ remotes: ovn.nbRemotes, database: 'OVN_Northbound' });
    // Registered before the monitor's hook: on the second connection, 2,000 rows are written by
    // another client before the monitor resumes, so its resumed reply is big enough to be sliced.
    let connections = 0;
    let syncing: RpcConnection | undefined;
    session.addSyncHook('test: write while away', async (conn) => {
      connections += 1;
      syncing = conn;
      if (connections === 2) await insertSwitches(ovn.nbRemotes, 2_000);
    });
    const monitor = new DatabaseMonitor(session, ovnNorthboundSchema, { tables: { Logical_Switch: ['name'] }, extraIndexes: { Logical_Switch: [['name']] }, sliceMs: 0 });
    const dropped: unknown[] = [];
    let armed = false;
    watchApplies(monitor, (r) => {
      // The resumed reply on the second connection: that connection drops while it is decoded
      // (the session makes a connection its own only once it has synced: closed here directly).
      if (armed && r instanceof Promise) {
        armed = false;
        r.catch((e: unknown) => dropped.push(e));
        syncing?.close();
      }
    });
    session.start();
    try {
      await session.ready(20_000);
      await monitor.synced();
      const marker = [insert('Logical_Switch', { name: 'marker' })];
      readTransactResult(marker, await session.transact(marker));
      await waitFor('marker cached', () => (monitor.cache.lookupOne('Logical_Switch', 'name', 'marker') ? true : undefined));
      assert.ok(monitor.lastTransactionId, 'update3 carried a transaction id');
      armed = true;
      session.reconnect('test: away while rows are written');
      // The second connection's sync was dropped: the first and the third are the two done.
      await waitFor('the third connection synced', () => (connections >= 3 && monitor.stats.syncs >= 2 ? true : undefined), 60_000);
      assert.ok(dropped[0] instanceof UpdateDroppedError, `the resumed reply was dropped: ${String(dropped[0])}`);
      const remote = session.currentRemote;
      assert.ok(remote);
      await waitFor('every row cached', () => (monitor.cache.table('Logical_Switch').size === 2_001 ? true : undefined), 30_000);
      assert.deepEqual(cacheRows(monitor.cache, 'Logical_Switch'), await serverRows(remote, 'Logical_Switch', ['name']));
    } finally {
      session.close();
    }
  });
});
