// The pool: allocation round the range, user-chosen MACs, duplicates refused and reported,
// rebuilt from the domains, persisted across restarts.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MacPool } from '../../lib/macpool/pool.js';
import { parseRange } from '../../lib/macpool/mac.js';
import { openPool, savePool } from '../../lib/macpool/state.js';
import { DuplicateMacError, PoolExhaustedError, PoolStateError } from '../../lib/macpool/errors.js';
import { testRun } from '../../testbed/test-run.js';

const SMALL = '02:00:00:00:00:01-02:00:00:00:00:04';

describe('macpool: allocation', () => {
  it('hands out the range in order, round the end, skipping what is held, until exhausted', () => {
    const pool = new MacPool(parseRange(SMALL));
    assert.equal(pool.allocate('vm1').mac, '02:00:00:00:00:01');
    pool.claim('02:00:00:00:00:02', 'vm2');
    assert.equal(pool.allocate('vm1').mac, '02:00:00:00:00:03');
    assert.equal(pool.allocate('vm3', 'ua-hvnet-x').mac, '02:00:00:00:00:04');
    assert.equal(pool.release('02:00:00:00:00:01'), true);
    // The cursor wrapped: the freed address comes back only after the rest of the range.
    assert.equal(pool.allocate('vm4').mac, '02:00:00:00:00:01');
    assert.throws(() => pool.allocate('vm5'), PoolExhaustedError);
    assert.deepEqual(pool.holderOf('02:00:00:00:00:04'), { mac: '02:00:00:00:00:04', domain: 'vm3', alias: 'ua-hvnet-x' });
  });

  it('peek names the MAC allocate would give, the same each time, skipping what is taken elsewhere', () => {
    const pool = new MacPool(parseRange(SMALL));
    pool.claim('02:00:00:00:00:01', 'vm1');
    assert.equal(pool.peek(), '02:00:00:00:00:02');
    assert.equal(pool.peek(), '02:00:00:00:00:02');
    assert.equal(pool.peek((m) => m === '02:00:00:00:00:02'), '02:00:00:00:00:03');
    assert.equal(pool.allocate('vm2', (m) => `ua-hvnet-${m.replaceAll(':', '')}`).alias, 'ua-hvnet-020000000002');
    assert.equal(pool.peek(), '02:00:00:00:00:03');
    pool.allocate('vm2');
    pool.allocate('vm2');
    assert.equal(pool.peek(), undefined);
  });

  it('a rebuild told not to count leaves the duplicates seen as they were', () => {
    const pool = new MacPool(parseRange(SMALL));
    const twice = [
      { mac: '02:00:00:00:00:01', domain: 'vm1' },
      { mac: '02:00:00:00:00:01', domain: 'vm2' },
    ];
    pool.rebuild(twice);
    pool.rebuild(twice, { count: false });
    assert.equal(pool.duplicateCount, 1);
    assert.equal(pool.duplicates().length, 1);
  });

  it('refuses a MAC already held by any NIC, naming the holder', () => {
    const pool = new MacPool(parseRange(SMALL));
    pool.claim('52:54:00:aa:00:04', 'vm1');
    assert.throws(() => pool.claim('52:54:00:AA:00:04', 'vm2'), (e: unknown) => {
      assert.ok(e instanceof DuplicateMacError);
      assert.equal(e.heldBy, 'vm1');
      assert.match(e.message, /already used by domain vm1; vm2 cannot have it too/);
      return true;
    });
  });

  it('rebuild takes the domains as the truth and reports duplicates with a counter', () => {
    const pool = new MacPool(parseRange(SMALL), [{ mac: '02:00:00:00:00:03', domain: 'gone' }]);
    const dups = pool.rebuild([
      { mac: '02:00:00:00:00:01', domain: 'vm1', alias: 'ua-hvnet-a' },
      { mac: '02:00:00:00:00:02', domain: 'vm1' },
      { mac: '02:00:00:00:00:02', domain: 'vm2' },
    ]);
    assert.deepEqual(dups, [{ mac: '02:00:00:00:00:02', holders: ['vm1', 'vm2'] }]);
    assert.equal(pool.duplicateCount, 1);
    assert.equal(pool.holderOf('02:00:00:00:00:03'), undefined, 'an allocation no domain has any more is gone');
    assert.equal(pool.allocate('vm3').mac, '02:00:00:00:00:03');
  });
});

describe('macpool: state on disk', () => {
  it('allocations and the cursor survive a restart', () => {
    const file = join(testRun.tempDir('macpool'), 'mac-pool.json');
    const pool = openPool(SMALL, file);
    pool.allocate('vm1');
    pool.allocate('vm2');
    savePool(pool, file);
    const again = openPool(SMALL, file);
    assert.deepEqual(again.list(), pool.list());
    assert.equal(again.allocate('vm3').mac, '02:00:00:00:00:03');
  });

  it('a changed range keeps the recorded NICs but restarts the cursor', () => {
    const file = join(testRun.tempDir('macpool'), 'mac-pool.json');
    const pool = openPool(SMALL, file);
    pool.allocate('vm1');
    savePool(pool, file);
    const moved = openPool('02:00:00:00:01:00-02:00:00:00:01:ff', file);
    assert.equal(moved.holderOf('02:00:00:00:00:01')?.domain, 'vm1');
    assert.equal(moved.allocate('vm2').mac, '02:00:00:00:01:00');
  });

  it('a damaged state file is a clear error, not a silent reset', () => {
    const file = join(testRun.tempDir('macpool'), 'mac-pool.json');
    writeFileSync(file, '{"version": 2}');
    assert.throws(() => openPool(SMALL, file), (e: unknown) => e instanceof PoolStateError && /not a hvnet MAC pool state/.test(e.message));
    writeFileSync(file, 'not json');
    assert.throws(() => openPool(SMALL, file), PoolStateError);
    assert.equal(readFileSync(file, 'utf8'), 'not json', 'nothing overwritten');
  });
});
