// What a planned transaction reads and writes, as far as group commit (group-commit.ts) needs to
// know whether two plans made from the same cache can be sent as one transaction: they can when
// neither writes anything the other reads or writes, so each plan's guards still state the facts
// its decision rests on, and each plan's writes land on rows no other plan of the batch looks at.
//
// Found from the operations themselves, so every planner is covered without declaring anything:
// - an operation whose `where` names rows by `_uuid ==` touches those rows;
// - any other `where` (a guard on a router's external_ids, an update by name) touches its whole table;
// - an insert adds to its table: it matters to whoever reads that table as a whole (a "no such
//   network" guard), not to readers of other rows;
// - a write that puts a row's uuid into a value (a router's `ports delete [uuid]`) touches that row;
// - uuid-names must differ between plans of one transaction;
// - an operation of another kind (assert, commit, abort, comment) makes the plan go alone.
// Wrongly shared unique values (two plans inserting one port name) need no detection: the server
// refuses the combined transaction and group commit falls back to one transaction per request.
import type { Operation } from '../ovsdb/operations.js';

export interface Footprint {
  /** Rows (by uuid) read by guards (wait, select) and written (update, mutate, delete by `_uuid`). */
  rowReads: Set<string>;
  rowWrites: Set<string>;
  /** Tables whose rows are named by `_uuid` in a read or a write, and in a write. */
  rowTables: Set<string>;
  rowTablesWritten: Set<string>;
  /** Tables read or written as a whole (a `where` on anything but `_uuid`). */
  tableReads: Set<string>;
  tableWrites: Set<string>;
  inserts: Set<string>;
  /** A write puts row uuids into values (their tables unknown here). */
  refs: boolean;
  names: Set<string>;
  /** Has an operation group commit does not reason about: sent alone. */
  alone: boolean;
}

export function emptyFootprint(): Footprint {
  return {
    rowReads: new Set(),
    rowWrites: new Set(),
    rowTables: new Set(),
    rowTablesWritten: new Set(),
    tableReads: new Set(),
    tableWrites: new Set(),
    inserts: new Set(),
    refs: false,
    names: new Set(),
    alone: false,
  };
}

export function footprintOf(operations: readonly Operation[]): Footprint {
  const fp = emptyFootprint();
  const refs = new Set<string>();
  for (const op of operations) {
    switch (op.op) {
      case 'wait':
      case 'select':
        addWhere(fp, op.table, op.where, false);
        break;
      case 'update':
        addWhere(fp, op.table, op.where, true);
        addUuids(refs, op.row);
        break;
      case 'mutate':
        addWhere(fp, op.table, op.where, true);
        addUuids(refs, op.mutations);
        break;
      case 'delete':
        addWhere(fp, op.table, op.where, true);
        break;
      case 'insert':
        fp.inserts.add(op.table);
        addUuids(refs, op.row);
        if (op['uuid-name'] !== undefined) fp.names.add(op['uuid-name']);
        break;
      default:
        fp.alone = true;
    }
  }
  for (const u of refs) fp.rowWrites.add(u);
  fp.refs = refs.size > 0;
  return fp;
}

function addWhere(fp: Footprint, table: string, where: readonly (readonly [string, string, unknown])[], write: boolean): void {
  let byUuid = false;
  for (const c of where) {
    if (c[0] !== '_uuid' || c[1] !== '==') continue;
    byUuid = true;
    addUuids(write ? fp.rowWrites : fp.rowReads, c[2]);
  }
  if (!byUuid) {
    (write ? fp.tableWrites : fp.tableReads).add(table);
    return;
  }
  fp.rowTables.add(table);
  if (write) fp.rowTablesWritten.add(table);
}

/** Every ["uuid", s] atom inside a value (rows, mutations, conditions). */
function addUuids(into: Set<string>, value: unknown): void {
  if (!Array.isArray(value)) {
    if (value !== null && typeof value === 'object') for (const k in value) addUuids(into, (value as Record<string, unknown>)[k]);
    return;
  }
  if (value.length === 2 && value[0] === 'uuid' && typeof value[1] === 'string') {
    into.add(value[1]);
    return;
  }
  for (const v of value) addUuids(into, v);
}

/** Whether two sets share a member; walks the smaller one (a batch's joined sets grow with it). */
function meet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  const small = a.size <= b.size ? a : b;
  const large = small === a ? b : a;
  for (const x of small) if (large.has(x)) return true;
  return false;
}

/** Whether what `x` writes is read or written by `y` (each plan of a batch is checked against the batch and each transaction in flight: no arrays made per check). */
function writesInto(x: Footprint, y: Footprint): boolean {
  const yWhole = y.tableReads.size + y.tableWrites.size > 0;
  return (
    (x.rowWrites.size > 0 && (meet(x.rowWrites, y.rowReads) || meet(x.rowWrites, y.rowWrites))) ||
    (x.tableWrites.size > 0 &&
      (meet(x.tableWrites, y.tableReads) || meet(x.tableWrites, y.tableWrites) || meet(x.tableWrites, y.inserts) || meet(x.tableWrites, y.rowTables))) ||
    (x.tableWrites.size > 0 && y.refs) ||
    (x.inserts.size > 0 && (meet(x.inserts, y.tableReads) || meet(x.inserts, y.tableWrites))) ||
    (x.rowTablesWritten.size > 0 && (meet(x.rowTablesWritten, y.tableReads) || meet(x.rowTablesWritten, y.tableWrites))) ||
    (x.refs && yWhole)
  );
}

/** Whether two plans made from the same cache cannot go into one transaction. */
export function clash(a: Footprint, b: Footprint): boolean {
  return a.alone || b.alone || meet(a.names, b.names) || writesInto(a, b) || writesInto(b, a);
}

/** Adds `fp` to `into` (what a batch touches so far). Field by field: a loop over the field names made every access a keyed one. */
export function joinFootprint(into: Footprint, fp: Footprint): void {
  addAll(into.rowReads, fp.rowReads);
  addAll(into.rowWrites, fp.rowWrites);
  addAll(into.rowTables, fp.rowTables);
  addAll(into.rowTablesWritten, fp.rowTablesWritten);
  addAll(into.tableReads, fp.tableReads);
  addAll(into.tableWrites, fp.tableWrites);
  addAll(into.inserts, fp.inserts);
  addAll(into.names, fp.names);
  into.refs ||= fp.refs;
  into.alone ||= fp.alone;
}

function addAll(into: Set<string>, from: ReadonlySet<string>): void {
  if (from.size === 0) return;
  for (const v of from) into.add(v);
}
