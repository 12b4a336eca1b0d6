// The declarations of a network as lib/ovn keeps them (pure): a patch changes the newest map in
// place and the version it replaced still answers exactly as before (get, size, iteration, the
// index by target); a planner's one-declaration view leaves its base alone; two declarations
// towards one target (a hand edit) give the first in iteration order, as a plain Map would.
import assert from 'node:assert/strict';
import { DeclarationMap } from '../../lib/ovn/declaration-map.js';
import type { Declaration } from '../../lib/ovn/state.js';

const decl = (name: string, network: string): Declaration => ({ name, type: 'local', target: { project: 'default', network }, description: '', config: {} });
const plain = (m: ReadonlyMap<string, Declaration>): [string, string][] => [...m].map(([k, d]): [string, string] => [k, d.target.network]).sort();

describe('ovn: a network’s declarations kept across changes (pure)', () => {
  it('a patched version and the versions before it each answer as they were', () => {
    const v1 = DeclarationMap.owning(new Map([['a', decl('a', 'x')], ['b', decl('b', 'y')]]));
    assert.equal(v1.towards('default/y')?.name, 'b');
    const v2 = v1.patched([['b', undefined], ['c', decl('c', 'z')]]);
    const v3 = v2.patched([['a', decl('a', 'w')]]);
    assert.deepEqual(plain(v3), [['a', 'w'], ['c', 'z']]);
    assert.deepEqual(plain(v2), [['a', 'x'], ['c', 'z']]);
    assert.deepEqual(plain(v1), [['a', 'x'], ['b', 'y']]);
    assert.deepEqual([v1.size, v2.size, v3.size], [2, 2, 2]);
    assert.equal(v1.get('b')?.target.network, 'y');
    assert.equal(v2.has('b'), false);
    assert.equal(v3.towards('default/x'), undefined);
    assert.equal(v3.towards('default/w')?.name, 'a');
    assert.equal(v1.towards('default/y')?.name, 'b');
    assert.equal(v2.towards('default/z')?.name, 'c');
    // An old version patched again starts from its own copy: the newest is not touched.
    const v2b = v2.patched([['d', decl('d', 'q')]]);
    assert.deepEqual(plain(v2b), [['a', 'x'], ['c', 'z'], ['d', 'q']]);
    assert.deepEqual(plain(v3), [['a', 'w'], ['c', 'z']]);
  });

  it("a plan's view with one declaration more or less leaves its base alone", () => {
    const base = DeclarationMap.owning(new Map([['a', decl('a', 'x')]]));
    const more = base.withOne('b', decl('b', 'y'));
    const less = base.withOne('a', undefined);
    assert.deepEqual(plain(more), [['a', 'x'], ['b', 'y']]);
    assert.equal(more.size, 2);
    assert.equal(more.towards('default/y')?.name, 'b');
    assert.equal(less.size, 0);
    assert.equal(less.towards('default/x'), undefined);
    assert.deepEqual(plain(base), [['a', 'x']]);
    assert.equal(base.towards('default/y'), undefined);
  });

  it('two declarations towards one target: the first in iteration order, then the other once the first goes', () => {
    const v1 = DeclarationMap.owning(new Map([['first', decl('first', 'x')], ['second', decl('second', 'x')]]));
    assert.equal(v1.towards('default/x')?.name, 'first');
    const v2 = v1.patched([['first', undefined]]);
    assert.equal(v2.towards('default/x')?.name, 'second');
  });
});
