// A tiny in-memory Northbound for the planners' unit tests: it executes the operations hvnet
// plans (wait, insert with named uuids, update, mutate, delete, select, assert) atomically,
// garbage-collects unreferenced non-root rows, and feeds a real TableCache, so NbView and the
// planners run exactly as against a server — without one. Only what hvnet uses is implemented.
import { randomUUID } from 'node:crypto';
import { TableCache } from '../../lib/ovsdb/cache.js';
import { WaitTimedOutError } from '../../lib/ovsdb/errors.js';
import type { Condition, Operation } from '../../lib/ovsdb/operations.js';
import { columnShape, implicitColumn } from '../../lib/ovsdb/schema.js';
import type { Atom, ColumnType, TableSchema } from '../../lib/ovsdb/schema.js';
import { encodeValue } from '../../lib/ovsdb/encode.js';
import { decodeValue, isUuidAtom } from '../../lib/ovsdb/values.js';
import type { DecodedValue } from '../../lib/ovsdb/values.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';
import { NB_TABLES, nbMonitorOptions } from '../../lib/ovn/schema-check.js';
import { NbView } from '../../lib/ovn/state.js';

type Store = Map<string, Map<string, Record<string, DecodedValue>>>;

const GC: Record<string, [string, string][]> = {
  Logical_Router_Port: [['Logical_Router', 'ports']],
  Logical_Router_Static_Route: [['Logical_Router', 'static_routes']],
  Logical_Switch_Port: [['Logical_Switch', 'ports']],
};

function table(name: string): TableSchema {
  const t = ovnNorthboundSchema.tables.get(name);
  if (!t) throw new Error(`no table ${name}`);
  return t;
}

function colType(t: TableSchema, column: string): ColumnType {
  const c = t.columns.get(column) ?? implicitColumn(column);
  if (!c) throw new Error(`no column ${t.name}.${column}`);
  return c.type;
}

function loose(type: ColumnType): ColumnType {
  return { ...type, min: 0, max: 'unlimited' };
}

function canon(v: DecodedValue): string {
  if (Array.isArray(v)) return JSON.stringify([...v].map((x) => JSON.stringify(x)).sort());
  if (v instanceof Map) return JSON.stringify([...v].sort());
  if (v && typeof v === 'object') return JSON.stringify(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
  return JSON.stringify(v === undefined ? [] : [JSON.stringify(v)]);
}

export class FakeNb {
  readonly cache = TableCache.of(ovnNorthboundSchema, NB_TABLES, nbMonitorOptions().extraIndexes);
  readonly view = new NbView(this.cache);
  private store: Store = new Map(Object.keys(NB_TABLES).map((t): [string, Map<string, Record<string, DecodedValue>>] => [t, new Map<string, Record<string, DecodedValue>>()]));
  transactions = 0;

  constructor(withGlobal = true) {
    if (withGlobal) this.transact([{ op: 'insert', table: 'NB_Global', row: {} }]);
  }

  /** Runs one transaction; throws WaitTimedOutError like the server (nothing applied). */
  transact(ops: readonly Operation[]): string[] {
    const saved: Store = new Map([...this.store].map(([t, rows]) => [t, new Map([...rows].map(([u, r]) => [u, { ...r }]))]));
    const named = new Map<string, string>();
    const inserted: string[] = [];
    try {
      ops.forEach((op, i) => this.run(op, i, named, inserted));
      this.gc();
    } catch (e) {
      this.store = saved;
      throw e;
    }
    this.newVersions(saved);
    this.transactions += 1;
    this.publish();
    return inserted;
  }

  rows(tableName: string): Record<string, DecodedValue>[] {
    return [...(this.store.get(tableName)?.values() ?? [])];
  }

  private resolve(v: unknown, named: Map<string, string>): unknown {
    if (isUuidAtom(v) && v[0] === 'named-uuid') return ['uuid', named.get(v[1]) ?? v[1]];
    if (Array.isArray(v)) return v.map((x) => this.resolve(x, named));
    return v;
  }

  private decodeRow(t: TableSchema, row: Record<string, unknown>, named: Map<string, string>): Record<string, DecodedValue> {
    const out: Record<string, DecodedValue> = {};
    for (const [c, v] of Object.entries(row)) out[c] = decodeValue(colType(t, c), this.resolve(v, named), { table: t.name, column: c });
    return out;
  }

  private matches(t: TableSchema, row: Record<string, DecodedValue>, conds: Condition[]): boolean {
    return conds.every(([column, fn, value]) => {
      const type = colType(t, column);
      const want = decodeValue(fn === 'includes' || fn === 'excludes' ? loose(type) : type, value, { table: t.name, column });
      const have = row[column];
      if (fn === '==') return canon(have) === canon(want);
      if (fn === '!=') return canon(have) !== canon(want);
      if (fn === 'includes' || fn === 'excludes') {
        let inc: boolean;
        if (columnShape(type) === 'map') {
          const h = (have ?? {}) as Record<string, Atom>;
          inc = Object.entries(want as Record<string, Atom>).every(([k, v]) => h[k] === v);
        } else {
          const h = Array.isArray(have) ? have : have === undefined ? [] : [have as Atom];
          const w = Array.isArray(want) ? want : want === undefined ? [] : [want as Atom];
          inc = w.every((x) => h.includes(x));
        }
        return fn === 'includes' ? inc : !inc;
      }
      throw new Error(`fake NB: condition ${fn} not implemented`);
    });
  }

  private run(op: Operation, i: number, named: Map<string, string>, inserted: string[]): void {
    if (op.op === 'assert' || op.op === 'comment' || op.op === 'commit') return;
    if (op.op === 'abort') throw new Error('abort');
    const t = table(op.table);
    const rows = this.store.get(op.table);
    if (!rows) throw new Error(`fake NB: table ${op.table} not kept`);
    const selected = (conds: Condition[]): [string, Record<string, DecodedValue>][] =>
      [...rows].filter(([u, r]) => this.matches(t, { ...r, _uuid: u }, conds));
    switch (op.op) {
      case 'insert': {
        const u = randomUUID();
        const row = this.defaults(t);
        Object.assign(row, this.decodeRow(t, op.row, named));
        rows.set(u, row);
        if (op['uuid-name']) named.set(op['uuid-name'], u);
        inserted.push(u);
        return;
      }
      case 'wait': {
        const got = selected(op.where).map(([u, r]) => canon(op.columns.map((c) => canon(c === '_uuid' ? u : r[c])) as unknown as DecodedValue));
        const want = op.rows.map((wr) =>
          canon(op.columns.map((c) => canon(decodeValue(loose(colType(t, c)), wr[c], { table: t.name, column: c }))) as unknown as DecodedValue),
        );
        const equal = JSON.stringify(got.sort()) === JSON.stringify(want.sort());
        if (equal !== (op.until === '==')) throw new WaitTimedOutError({ opIndex: i, op: 'wait', table: op.table, error: 'timed out' });
        return;
      }
      case 'update':
        for (const [, r] of selected(op.where)) Object.assign(r, this.decodeRow(t, op.row, named));
        return;
      case 'delete':
        for (const [u] of selected(op.where)) rows.delete(u);
        return;
      case 'select':
        return;
      case 'mutate':
        for (const [, r] of selected(op.where)) {
          for (const [column, mutator, value] of op.mutations) {
            const type = colType(t, column);
            const shape = columnShape(type);
            const resolved = this.resolve(value, named);
            if (mutator === '+=') {
              r[column] = (r[column] as number) + (value as number);
            } else if (shape === 'map') {
              const m = { ...(r[column] as Record<string, Atom>) };
              if (mutator === 'insert') {
                for (const [k, v] of Object.entries(decodeValue(loose(type), resolved, { table: t.name, column }) as Record<string, Atom>)) if (!(k in m)) m[k] = v;
              } else if (Array.isArray(resolved) && resolved[0] === 'map') {
                for (const [k, v] of Object.entries(decodeValue(loose(type), resolved, { table: t.name, column }) as Record<string, Atom>)) if (m[k] === v) delete m[k];
              } else {
                for (const k of decodeValue({ key: type.key, min: 0, max: 'unlimited' }, resolved, { table: t.name, column }) as string[]) delete m[k];
              }
              r[column] = m;
            } else {
              const s = new Set((r[column] as Atom[] | undefined) ?? []);
              for (const x of decodeValue(loose(type), resolved, { table: t.name, column }) as Atom[]) {
                if (mutator === 'insert') s.add(x);
                else s.delete(x);
              }
              r[column] = [...s];
            }
          }
        }
        return;
    }
  }

  private defaults(t: TableSchema): Record<string, DecodedValue> {
    const row: Record<string, DecodedValue> = {};
    for (const c of (NB_TABLES as Record<string, readonly string[]>)[t.name] ?? []) {
      const type = colType(t, c);
      const shape = columnShape(type);
      row[c] = shape === 'map' ? {} : shape === 'set' ? [] : shape === 'optional' ? undefined : type.key.type === 'integer' ? 0 : '';
    }
    return row;
  }

  /** Like the server: a row written by the transaction (or made by it) gets a new `_version`. */
  private newVersions(before: Store): void {
    for (const [tname, rows] of this.store) {
      if (!((NB_TABLES as Record<string, readonly string[]>)[tname] ?? []).includes('_version')) continue;
      for (const [u, r] of rows) {
        const old = before.get(tname)?.get(u);
        const changed = !old || Object.keys(r).some((c) => c !== '_version' && canon(r[c]) !== canon(old[c]));
        if (changed) r._version = randomUUID();
      }
    }
  }

  private gc(): void {
    for (const [child, parents] of Object.entries(GC)) {
      const refs = new Set<string>();
      for (const [parent, column] of parents) for (const r of this.store.get(parent)?.values() ?? []) for (const u of (r[column] as string[]) ?? []) refs.add(u);
      const rows = this.store.get(child);
      for (const u of [...(rows?.keys() ?? [])]) if (!refs.has(u)) rows?.delete(u);
    }
  }

  private publish(): void {
    const snapshot: Record<string, Record<string, { initial: Record<string, unknown> }>> = {};
    for (const [tname, rows] of this.store) {
      const t = table(tname);
      snapshot[tname] = {};
      for (const [u, r] of rows) {
        const wire: Record<string, unknown> = {};
        for (const [c, v] of Object.entries(r)) wire[c] = encodeValue(colType(t, c), v, { table: tname, column: c });
        snapshot[tname][u] = { initial: wire };
      }
    }
    this.cache.replaceAll(snapshot);
  }
}
