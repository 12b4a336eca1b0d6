// The client's copy of the monitored tables: the read path of everything above lib/ovsdb. Rows
// are decoded once, kept by uuid and by the schema's indexes (plus any extra a caller declares,
// such as Logical_Router.name, which has no index in the schema), and every change is announced
// with the old and the new row so a reconciler can react to exactly what moved.
//
// Row types: a cache made from a typed schema (TableCache.of) or vouched for once
// (withRowTypes) hands out the generated row types of its monitored columns, so readers name
// tables and columns that tsc checks. The rows themselves are what decodeRow made with the same
// schema; the types describe them and cost nothing at run time.
import { EventEmitter } from 'node:events';
import { columnShape, implicitColumn } from './schema.js';
import type { Atom, ColumnType, DatabaseSchema, TableSchema, TypedSchema } from './schema.js';
import { decodeColumnValue, decodeRow, decodeValue } from './values.js';
import type { DecodedRow, DecodedValue } from './values.js';
import { DecodeError, UpdateDroppedError } from './errors.js';
import type { AnyTables, ColumnName, MonitoredTables, MonitorRequest, TableName, UntypedRow } from './row-types.js';
import { sliceDeadline } from '../event-loop/turn-budget.js';

/** A cached row as stored: the monitored columns plus `_uuid`. */
export type Row = UntypedRow;

/**
 * What an update2 `modify` changed in one column. A map: each key whose value changed (added,
 * replaced or removed) with its value before (undefined: it had none). A set: the elements it
 * gained and lost. Anything else: only that it was in the modify.
 */
export type ColumnChange =
  | { kind: 'map'; before: ReadonlyMap<Atom, Atom | undefined> }
  | { kind: 'set'; added: readonly Atom[]; removed: readonly Atom[] }
  | { kind: 'value' };

/** The columns a `modify` named; a column not listed holds the same value (the same object) as before. */
export type RowChanges<Row> = { readonly [C in keyof Row]?: ColumnChange };

export type CacheEvent<Tables extends object = AnyTables> = {
  [T in TableName<Tables>]:
    | { kind: 'insert'; table: T; row: Tables[T] }
    /** `changes`: present when the server sent the update as a diff (update2 `modify`), so a reader can react to what changed without comparing whole rows. */
    | { kind: 'update'; table: T; old: Tables[T]; row: Tables[T]; changes?: RowChanges<Tables[T]> }
    | { kind: 'delete'; table: T; old: Tables[T] };
}[TableName<Tables>];

type StoredEvent = CacheEvent;

interface CacheEvents<Tables extends object> {
  change: [CacheEvent<Tables>];
  /** After each batch of changes (one notification, or one resync). */
  batch: [CacheEvent<Tables>[]];
}

/** Lookups by columns the schema has no index on, per table: lists of column lists. */
export type ExtraIndexes<Tables> = { readonly [T in TableName<Tables>]?: readonly (readonly ColumnName<Tables[T]>[])[] };

/** The values of an index's columns, in its column order, typed by the row. */
export type IndexValues<Row, C extends readonly ColumnName<Row>[]> = { [I in keyof C]: Row[C[I] & keyof Row] };

interface IndexDef {
  columns: readonly string[];
  /**
   * Schema indexes are unique; extra ones may hold several rows per key. A key with one row holds
   * its uuid, not a Set of one: at 5,000 spokes the Sets of one were a tenth of hvnetd's live
   * heap (a heap snapshot: 65,000 Sets with their tables, bench/RESULTS.md).
   */
  byKey: Map<string, string | Set<string>>;
}

function indexAdd(byKey: Map<string, string | Set<string>>, key: string, uuid: string): void {
  const at = byKey.get(key);
  if (at === undefined) byKey.set(key, uuid);
  else if (typeof at === 'string') {
    if (at !== uuid) byKey.set(key, new Set([at, uuid]));
  } else at.add(uuid);
}

function indexDelete(byKey: Map<string, string | Set<string>>, key: string, uuid: string): void {
  const at = byKey.get(key);
  if (at === undefined) return;
  if (typeof at === 'string') {
    if (at === uuid) byKey.delete(key);
    return;
  }
  at.delete(uuid);
  if (at.size === 0) byKey.delete(key);
  else if (at.size === 1) byKey.set(key, at.values().next().value as string);
}

export class TableCache<Tables extends object = AnyTables> extends EventEmitter<CacheEvents<Tables>> {
  private readonly rows = new Map<string, Map<string, Row>>();
  private readonly indexes = new Map<string, IndexDef[]>();
  private readonly columns = new Map<string, readonly string[]>();

  /**
   * `tables` maps each monitored table to its monitored columns (undefined: all of them), so
   * columns a fresh row leaves out are filled with their defaults, and only those. Rows are
   * untyped unless the cache is made with TableCache.of or vouched for by withRowTypes.
   */
  constructor(
    readonly schema: DatabaseSchema,
    tables: Readonly<Record<string, readonly string[] | undefined>>,
    private readonly extraIndexes: Readonly<Partial<Record<string, readonly (readonly string[])[]>>> = {},
  ) {
    super();
    for (const [name, cols] of Object.entries(tables)) {
      const table = this.tableSchema(name);
      this.columns.set(name, cols ?? [...table.columns.keys()]);
    }
    for (const name of Object.keys(tables)) {
      const table = this.tableSchema(name);
      this.rows.set(name, new Map());
      const defs = [...table.indexes, ...(extraIndexes[name] ?? [])].map((columns) => ({ columns, byKey: new Map<string, string | Set<string>>() }));
      this.indexes.set(name, defs);
    }
  }

  /** A cache whose rows have the generated types of `schema`, cut to the monitored columns. */
  static of<Full extends object, const M extends MonitorRequest<Full>>(
    schema: TypedSchema<Full>,
    tables: M,
    extraIndexes: NoInfer<ExtraIndexes<MonitoredTables<Full, M>>> = {},
  ): TableCache<MonitoredTables<Full, M>> {
    return new TableCache<MonitoredTables<Full, M>>(schema, tables, extraIndexes);
  }

  get tables(): string[] {
    return [...this.rows.keys()];
  }

  /** The monitored columns of a table. */
  columnsOf(table: string): readonly string[] {
    return this.columns.get(table) ?? [];
  }

  /** All rows of a table, by uuid. The map is live: do not modify it. */
  table<T extends TableName<Tables>>(name: T): ReadonlyMap<string, Tables[T]> {
    const t = this.typedRows(name);
    if (!t) throw new DecodeError(name, '*', 'table is not monitored by this cache');
    return t;
  }

  get<T extends TableName<Tables>>(table: T, uuid: string): Tables[T] | undefined {
    return this.typedRows(table)?.get(uuid);
  }

  // The cache's claim (see the file comment): rows decoded with this.schema are the rows its
  // generated types describe. Every typed read goes through here or through typedEvents.
  private typedRows<T extends TableName<Tables>>(name: T): ReadonlyMap<string, Tables[T]> | undefined {
    const rows: ReadonlyMap<string, unknown> | undefined = this.rows.get(name);
    return rows as ReadonlyMap<string, Tables[T]> | undefined;
  }

  /** Rows whose index columns equal `values` (in the index's column order). */
  lookup<T extends TableName<Tables>, const C extends readonly ColumnName<Tables[T]>[]>(
    table: T,
    columns: C,
    values: NoInfer<IndexValues<Tables[T], C>>,
  ): Tables[T][] {
    const def = this.indexFor(table, columns);
    if (!def) throw new DecodeError(table, columns.join(','), 'no such index in this cache');
    const at = def.byKey.get(indexKey(values));
    const t = this.typedRows(table);
    const out: Tables[T][] = [];
    if (at === undefined || !t) return out;
    if (typeof at === 'string') {
      const row = t.get(at);
      if (row !== undefined) out.push(row);
      return out;
    }
    for (const u of at) {
      const row = t.get(u);
      if (row !== undefined) out.push(row);
    }
    return out;
  }

  // Callers pass a fresh column list each time: the usual one-column index is found by its name
  // without comparing lists.
  private indexFor(table: string, columns: readonly string[]): IndexDef | undefined {
    const defs = this.indexes.get(table);
    if (!defs) return undefined;
    if (columns.length === 1) {
      const c = columns[0];
      for (const d of defs) if (d.columns.length === 1 && d.columns[0] === c) return d;
      return undefined;
    }
    return defs.find((d) => sameColumns(d.columns, columns));
  }

  /** The one row with this value in a single-column index (e.g. Logical_Switch_Port.name). */
  lookupOne<T extends TableName<Tables>, C extends ColumnName<Tables[T]>>(table: T, column: C, value: NoInfer<Tables[T][C]>): Tables[T] | undefined {
    return this.lookup<T, [C]>(table, [column], [value])[0];
  }

  get rowCount(): number {
    let n = 0;
    for (const t of this.rows.values()) n += t.size;
    return n;
  }

  /**
   * Applies table updates in update2/update3 form (`initial`, `insert`, `modify`, `delete`) or in
   * the original monitor form (`old`/`new`). Every row is decoded before any is applied: a value
   * that does not decode throws with the cache unchanged. Returns the events it emitted.
   */
  applyUpdates(tableUpdates: unknown): CacheEvent<Tables>[] {
    return this.applyUpdatesInSlices(tableUpdates, { sliceMs: Number.POSITIVE_INFINITY }) as CacheEvent<Tables>[];
  }

  /**
   * applyUpdates for an update of any size, without holding the event loop for it: the rows are
   * decoded in slices of about `sliceMs`, the event loop free between them, and then the cache
   * changes and announces the events in one go, so a reader never sees part of an update (one
   * NB transaction). An update decoded within its first slice, the usual case, is applied at
   * once and the result is not a promise. Nothing else may change the cache in between: if
   * something does (a resync after a reconnect, which holds what this update carried), or
   * `wanted` says no, nothing of it is applied and the promise rejects with UpdateDroppedError.
   */
  applyUpdatesInSlices(tableUpdates: unknown, options: SliceOptions = {}): CacheEvent<Tables>[] | Promise<CacheEvent<Tables>[]> {
    const decoding = new UpdateDecoder(
      asRecord(tableUpdates),
      (name) => {
        const t = this.rows.get(name);
        return t && [this.tableSchema(name), t];
      },
      (schema, t, uuid, change) => this.prepareRow(schema, t, uuid, change),
    );
    return inSlices(
      (deadline) => decoding.step(deadline),
      options,
      this.staleCheck(options),
      () => this.announce(this.commit(decoding.prepared)),
    );
  }

  /**
   * Replaces the whole content with a fresh snapshot (after a reconnect that could not resume),
   * announcing only the differences, so a reconciler sees what changed while it was away.
   */
  replaceAll(snapshot: unknown): CacheEvent<Tables>[] {
    return this.replaceAllInSlices(snapshot, { sliceMs: Number.POSITIVE_INFINITY }) as CacheEvent<Tables>[];
  }

  /**
   * replaceAll in slices, as applyUpdatesInSlices: the snapshot decoded and compared with the
   * cache's rows in slices, the differences applied and announced in one go.
   */
  replaceAllInSlices(snapshot: unknown, options: SliceOptions = {}): CacheEvent<Tables>[] | Promise<CacheEvent<Tables>[]> {
    // The first fill (and any fill of an empty cache) has nothing to compare against.
    if (this.rowCount === 0) return this.applyUpdatesInSlices(snapshot, options);
    const stale = this.staleCheck(options);
    const fresh = new TableCache(this.schema, Object.fromEntries(this.columns), {});
    const filled = fresh.applyUpdatesInSlices(snapshot, { ...options, wanted: () => !stale() });
    return then(filled, () => {
      const diff = new SnapshotDiff(this.rows, fresh.rows);
      return inSlices(
        (deadline) => diff.step(deadline),
        options,
        stale,
        () => this.announce(this.commit(diff.prepared)),
      );
    });
  }

  /** Says why an update decoded from now on would be stale when applied, or undefined. */
  private staleCheck(options: SliceOptions): () => string | undefined {
    const version = this.version;
    return () => {
      if (this.version !== version) return 'the cache changed meanwhile (a resync)';
      if (options.wanted && !options.wanted()) return 'no longer wanted';
      return undefined;
    };
  }

  /** Bumped on every change of a row: a decoded update checks it was decoded against this state. */
  private version = 0;

  /** Applies decoded rows (nothing in them can fail), in order; the events they make. */
  private commit(prepared: readonly PreparedRow[]): StoredEvent[] {
    const events: StoredEvent[] = [];
    for (const p of prepared) events.push(this.commitRow(p));
    return events;
  }

  clear(): void {
    this.version++;
    for (const t of this.rows.values()) t.clear();
    for (const defs of this.indexes.values()) for (const d of defs) d.byKey.clear();
  }

  private announce(stored: StoredEvent[]): CacheEvent<Tables>[] {
    const events = typedEvents<Tables>(stored);
    if (events.length === 0) return events;
    for (const e of events) this.emit('change', e);
    this.emit('batch', events);
    return events;
  }

  private tableSchema(name: string): TableSchema {
    const table = this.schema.tables.get(name);
    if (!table) throw new DecodeError(name, '*', `no table ${name} in schema ${this.schema.name}`);
    return table;
  }

  /**
   * One row's change decoded against the cached row, without changing anything (the in-place
   * changes of big maps and sets are decoded here and made in commitRow); undefined when it
   * changes nothing (a delete or modify of a row the cache does not hold).
   */
  private prepareRow(schema: TableSchema, t: Map<string, Row>, uuid: string, change: Record<string, unknown>): PreparedRow | undefined {
    const old = t.get(uuid);
    const table = schema.name;
    const fresh = change.initial ?? change.insert ?? change.new;
    if ('delete' in change || ('old' in change && !('new' in change))) {
      return old ? { kind: 'delete', table, t, old } : undefined;
    }
    if (fresh !== undefined && !('modify' in change)) {
      return { kind: 'fresh', table, t, old, row: freshRow(schema, this.columns.get(table) ?? [], fresh, uuid) };
    }
    if ('modify' in change && old) {
      const row: Row = { ...old };
      const changes: Record<string, ColumnChange> = {};
      const inPlace: [string, Record<string, Atom>, [Atom, Atom][]][] = [];
      const inPlaceSets: [string, Atom[], Atom[]][] = [];
      const modify = asRecord(change.modify);
      for (const column in modify) {
        const diff = modify[column];
        const col = schema.columns.get(column) ?? implicitColumn(column);
        if (!col) continue;
        const at = { table, column };
        const current = old[column];
        const indexed = this.indexedColumn(table, column);
        const delta = indexed ? undefined : inPlaceDelta(col.type, current, diff, at);
        const toggles = indexed || delta ? undefined : inPlaceToggles(col.type, current, diff, at);
        if (delta) inPlace.push([column, current as Record<string, Atom>, delta]);
        else if (toggles) inPlaceSets.push([column, current as Atom[], toggles]);
        else {
          const applied = applyDiff(col.type, current, diff, at);
          row[column] = applied.value;
          changes[column] = applied.change;
        }
      }
      return { kind: 'modify', table, t, old, row, changes, inPlace, inPlaceSets };
    }
    return undefined;
  }

  private commitRow(p: PreparedRow): StoredEvent {
    const { table, t } = p;
    switch (p.kind) {
      case 'delete':
        this.remove(table, t, p.old);
        return { kind: 'delete', table, old: p.old };
      case 'fresh':
        this.put(table, t, p.row, p.old);
        return p.old ? { kind: 'update', table, old: p.old, row: p.row } : { kind: 'insert', table, row: p.row };
      case 'modify': {
        const { old, row, changes } = p;
        // The shared maps and sets change where they are, and the old row reads them through its
        // successor from now on.
        for (const [column, map, delta] of p.inPlace) {
          const before = applyInPlace(map, delta);
          changes[column] = { kind: 'map', before };
          supersede(old, column, row, { kind: 'map', before });
        }
        for (const [column, set, toggles] of p.inPlaceSets) {
          const toggled = toggleInPlace(set, toggles);
          changes[column] = { kind: 'set', added: toggled.added, removed: toggled.removed };
          supersede(old, column, row, toggled.undo);
        }
        this.put(table, t, row, old);
        return { kind: 'update', table, old, row, changes };
      }
      case 'replace':
        this.put(table, t, p.row, p.old);
        return { kind: 'update', table, old: p.old, row: p.row };
    }
  }

  /** Whether an index reads the column: its old value is needed as it was, so it is never shared. */
  private indexedColumn(table: string, column: string): boolean {
    let cols = this.indexedColumns.get(table);
    if (!cols) this.indexedColumns.set(table, (cols = new Set((this.indexes.get(table) ?? []).flatMap((d) => d.columns))));
    return cols.has(column);
  }

  private readonly indexedColumns = new Map<string, Set<string>>();

  private put(table: string, t: Map<string, Row>, row: Row, old: Row | undefined): void {
    this.version++;
    t.set(row._uuid, row);
    for (const def of this.indexes.get(table) ?? []) {
      // Most updates leave the indexed columns alone, the very same values (a router gains a port,
      // keeps its name): nothing to re-key, no key to build.
      if (old && sameIndexedValues(def.columns, row, old)) continue;
      const key = rowKey(def.columns, row);
      if (old) {
        const oldKey = rowKey(def.columns, old);
        // Most updates leave the indexed columns alone (a router gains a port, keeps its name).
        if (oldKey === key) continue;
        indexDelete(def.byKey, oldKey, old._uuid);
      }
      indexAdd(def.byKey, key, row._uuid);
    }
  }

  private remove(table: string, t: Map<string, Row>, old: Row): void {
    this.version++;
    this.unindex(table, old);
    t.delete(old._uuid);
  }

  private unindex(table: string, row: Row): void {
    for (const def of this.indexes.get(table) ?? []) {
      indexDelete(def.byKey, rowKey(def.columns, row), row._uuid);
    }
  }
}

export interface SliceOptions {
  /** The longest stretch of decoding in one turn of the event loop (ms); Infinity: all at once. */
  sliceMs?: number;
  /** Asked between slices: false drops the update (UpdateDroppedError), nothing of it applied. */
  wanted?: () => boolean;
}

/** 20 ms: five slices and the commit still fit in the 100 ms an event loop may be held. */
export const DEFAULT_SLICE_MS = 20;

/** One row's change, decoded and checked, waiting to be applied (TableCache.commitRow). */
type PreparedRow =
  | { kind: 'delete'; table: string; t: Map<string, Row>; old: Row }
  | { kind: 'fresh'; table: string; t: Map<string, Row>; old: Row | undefined; row: Row }
  | { kind: 'replace'; table: string; t: Map<string, Row>; old: Row; row: Row }
  | {
      kind: 'modify';
      table: string;
      t: Map<string, Row>;
      old: Row;
      row: Row;
      changes: Record<string, ColumnChange>;
      inPlace: [string, Record<string, Atom>, [Atom, Atom][]][];
      inPlaceSets: [string, Atom[], Atom[]][];
    };

/**
 * Runs `step` (it works until the deadline it is given and says whether it is done) in slices
 * of `sliceMs`, the event loop free between them (setImmediate: after the I/O that came
 * meanwhile), then `finish`: in the same turn when the first slice was enough (synchronous),
 * else in a turn of its own (what it does, applying and announcing a whole update, is the
 * longest part). `stale` is asked after each yield whether the work still holds.
 */
function inSlices<T>(step: (deadline: number) => boolean, options: SliceOptions, stale: () => string | undefined, finish: () => T): T | Promise<T> {
  const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  if (step(performance.now() + sliceMs)) return finish();
  const turn = async (): Promise<void> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const why = stale();
    if (why !== undefined) throw new UpdateDroppedError(why);
  };
  return (async () => {
    do await turn();
    // After the first slice, the turn's budget is shared with whatever else runs in slices.
    while (!step(sliceDeadline(sliceMs)));
    await turn();
    return finish();
  })();
}

function then<A, B>(value: A | Promise<A>, next: (a: A) => B | Promise<B>): B | Promise<B> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** The clock is read every few rows: a row decodes in microseconds, a big one in a few ms. */
const ROWS_PER_CLOCK_READ = 4;

/**
 * Decodes an update's rows against the cache (TableCache.prepareRow), resumable between slices.
 * The first pass walks the update's objects as they are; only an update that outlasts its first
 * slice has the rows left listed, so a small one costs no list.
 */
class UpdateDecoder {
  readonly prepared: PreparedRow[] = [];
  private left: [TableSchema, Map<string, Row>, string, unknown][] | undefined;
  private at = 0;

  constructor(
    private readonly updates: Record<string, unknown>,
    /** A monitored table's schema and rows; undefined for a table the cache does not monitor. */
    private readonly tableRows: (name: string) => readonly [TableSchema, Map<string, Row>] | undefined,
    private readonly prepareRow: (schema: TableSchema, t: Map<string, Row>, uuid: string, change: Record<string, unknown>) => PreparedRow | undefined,
  ) {}

  step(deadline: number): boolean {
    if (this.left) {
      const left = this.left;
      // At least a few rows per slice, whatever the clock says: every slice moves on.
      for (let n = 0; this.at < left.length; n++) {
        if (n > 0 && n % ROWS_PER_CLOCK_READ === 0 && performance.now() > deadline) return false;
        const [schema, t, uuid, change] = left[this.at++] as [TableSchema, Map<string, Row>, string, unknown];
        this.add(schema, t, uuid, change);
      }
      return true;
    }
    const timed = deadline !== Number.POSITIVE_INFINITY;
    let n = 0;
    for (const [schema, t, rowUpdates] of this.tables()) {
      for (const uuid in rowUpdates) {
        if (timed && n > 0 && n % ROWS_PER_CLOCK_READ === 0 && performance.now() > deadline) {
          this.left = this.rowsAfter(n);
          return false;
        }
        n++;
        this.add(schema, t, uuid, rowUpdates[uuid]);
      }
    }
    return true;
  }

  private add(schema: TableSchema, t: Map<string, Row>, uuid: string, change: unknown): void {
    const p = this.prepareRow(schema, t, uuid, asRecord(change));
    if (p) this.prepared.push(p);
  }

  /** The monitored tables the update names, with their rows and their updates. */
  private *tables(): Generator<[TableSchema, Map<string, Row>, Record<string, unknown>]> {
    for (const tableName in this.updates) {
      const found = this.tableRows(tableName);
      if (!found) continue; // a table we did not ask for
      yield [found[0], found[1], asRecord(this.updates[tableName])];
    }
  }

  /** The rows after the first `n`, in the order the first pass walks them. */
  private rowsAfter(n: number): [TableSchema, Map<string, Row>, string, unknown][] {
    const out: [TableSchema, Map<string, Row>, string, unknown][] = [];
    let i = 0;
    for (const [schema, t, rowUpdates] of this.tables()) {
      for (const uuid in rowUpdates) if (i++ >= n) out.push([schema, t, uuid, rowUpdates[uuid]]);
    }
    return out;
  }
}

/**
 * The differences between the cache's rows and a fresh snapshot's, as rows to apply, resumable
 * between slices (Map iterators keep their place; neither side changes meanwhile).
 */
class SnapshotDiff {
  readonly prepared: PreparedRow[] = [];
  private readonly tables: [string, Map<string, Row>, Map<string, Row>][];
  private table = 0;
  private phase: 'old' | 'new' = 'old';
  private it: Iterator<[string, Row]> | undefined;

  constructor(current: Map<string, Map<string, Row>>, fresh: Map<string, Map<string, Row>>) {
    this.tables = [...current].map(([name, t]) => [name, t, fresh.get(name) ?? new Map<string, Row>()]);
  }

  step(deadline: number): boolean {
    const timed = deadline !== Number.POSITIVE_INFINITY;
    let n = 0;
    while (this.table < this.tables.length) {
      const [table, t, next] = this.tables[this.table] as [string, Map<string, Row>, Map<string, Row>];
      this.it ??= this.phase === 'old' ? t.entries() : next.entries();
      for (let r = this.it.next(); !r.done; r = this.it.next()) {
        const [uuid, row] = r.value;
        if (this.phase === 'old') {
          const now = next.get(uuid);
          if (!now) this.prepared.push({ kind: 'delete', table, t, old: row });
          else if (!sameRow(row, now)) this.prepared.push({ kind: 'replace', table, t, old: row, row: now });
        } else if (!t.has(uuid)) this.prepared.push({ kind: 'fresh', table, t, old: undefined, row });
        if (timed && ++n % ROWS_PER_CLOCK_READ === 0 && performance.now() > deadline) return false;
      }
      this.it = undefined;
      if (this.phase === 'old') this.phase = 'new';
      else {
        this.phase = 'old';
        this.table++;
      }
    }
    return true;
  }
}

/**
 * `cache` with row types, for a cache made from plain table names (a daemon merging what several
 * features monitor). Checked once, here: the cache decodes with the schema the types were
 * generated from (same name and version) and monitors every listed column. Readers behind this
 * point trust the types.
 */
export function withRowTypes<Full extends object, const M extends MonitorRequest<Full>>(
  cache: TableCache,
  schema: TypedSchema<Full>,
  tables: M,
): TableCache<MonitoredTables<Full, M>> {
  if (schema.name !== cache.schema.name || schema.version !== cache.schema.version) {
    throw new DecodeError('*', '*', `cache decodes ${cache.schema.name} ${cache.schema.version}, row types are of ${schema.name} ${schema.version}`);
  }
  const request: Readonly<Record<string, readonly string[] | undefined>> = tables;
  for (const [table, cols] of Object.entries(request)) {
    const have = cache.tables.includes(table) ? cache.columnsOf(table) : undefined;
    if (!have) throw new DecodeError(table, '*', 'table is not monitored by this cache');
    for (const c of cols ?? cache.schema.tables.get(table)?.columns.keys() ?? []) {
      if (!have.includes(c)) throw new DecodeError(table, c, 'column is not monitored by this cache');
    }
  }
  // Checked above: the same rows, seen with the types the check vouched for.
  const checked: object = cache;
  return checked as TableCache<MonitoredTables<Full, M>>;
}

// The events carry the rows the cache stores, so the same claim as typedRows.
function typedEvents<Tables extends object>(stored: StoredEvent[]): CacheEvent<Tables>[] {
  const events: readonly unknown[] = stored;
  return events as CacheEvent<Tables>[];
}

/**
 * update2 `modify` semantics: scalars carry the new value; sets (and optional values) carry the
 * elements to toggle; maps carry pairs to add (new key), remove (same key and value) or replace.
 * Returns the new value (a new object) and what changed.
 */
function applyDiff(type: ColumnType, current: DecodedValue, diff: unknown, at: { table: string; column: string }): { value: DecodedValue; change: ColumnChange } {
  const shape = columnShape(type);
  if (shape === 'scalar') return { value: decodeValue(type, diff, at), change: { kind: 'value' } };
  const relaxed = relaxedType(type);
  if (shape === 'map') {
    const delta = decodeValue(relaxed, diff, at);
    const before = new Map<Atom, Atom | undefined>();
    const result = new Map<Atom, Atom>(entriesOf(current));
    for (const [k, v] of entriesOf(delta)) {
      const was = result.get(k);
      if (!before.has(k)) before.set(k, was);
      if (result.has(k) && was === v) result.delete(k);
      else result.set(k, v);
    }
    const value = type.key.type === 'string' ? (Object.fromEntries(result) as Record<string, Atom>) : result;
    return { value, change: { kind: 'map', before } };
  }
  const toggles = decodeValue(relaxed, diff, at) as Atom[];
  if (shape === 'set' && Array.isArray(current)) {
    const t = toggleSet(current, toggles);
    return { value: t.value, change: { kind: 'set', added: t.added, removed: t.removed } };
  }
  const result = new Set<Atom>(current === undefined ? [] : Array.isArray(current) ? current : [current as Atom]);
  for (const a of toggles) {
    if (result.has(a)) result.delete(a);
    else result.add(a);
  }
  const values = [...result];
  return { value: shape === 'optional' ? values[0] : values, change: { kind: 'value' } };
}

/**
 * A string-keyed map changed where it is, the work in proportion to the diff, not to the map (a
 * hub's external_ids hold thousands of keys and gain one per peering): the new row takes the
 * same object, and the old row is given its values back lazily (supersede). inPlaceDelta: the
 * decoded diff, or undefined when the column is not such a map (the copying path then);
 * applyInPlace: each changed key's value before.
 */
function inPlaceDelta(type: ColumnType, current: DecodedValue, diff: unknown, at: { table: string; column: string }): [Atom, Atom][] | undefined {
  if (columnShape(type) !== 'map' || type.key.type !== 'string') return undefined;
  if (current === undefined || typeof current !== 'object' || current === null || Array.isArray(current) || current instanceof Map) return undefined;
  const delta = entriesOf(decodeValue(relaxedType(type), diff, at));
  // A key the object cannot hold as a plain property.
  return delta.some(([k]) => k === '__proto__') ? undefined : delta;
}

function applyInPlace(map: Record<string, Atom>, delta: readonly [Atom, Atom][]): Map<Atom, Atom | undefined> {
  const before = new Map<Atom, Atom | undefined>();
  for (const [k, v] of delta) {
    const key = k as string;
    const had = Object.hasOwn(map, key);
    const was = had ? map[key] : undefined;
    if (!before.has(key)) before.set(key, was);
    if (had && was === v) delete map[key];
    else map[key] = v;
  }
  return before;
}

/**
 * How to take a column's value one change back: a map's changed keys with their values before; a
 * set's elements removed (where they were, in the order removed) and added (appended, in order).
 */
type Undo = { kind: 'map'; before: ReadonlyMap<Atom, Atom | undefined> } | SetUndo;
interface SetUndo {
  kind: 'set';
  removed: readonly (readonly [index: number, atom: Atom])[];
  added: readonly Atom[];
}

/** An old row's column whose object went on to its successor: its value is the successor's with `undo` applied. */
interface Superseded {
  next: Row;
  undo: Undo;
}

const supersededBy = new WeakMap<Row, Map<string, Superseded>>();

/**
 * Makes `old[column]` read as it was before the in-place change: made (a copy of the newest
 * value, the undos of each later change applied) only when something reads it. A reader of the
 * event's old row sees what it always saw; one that never reads it pays nothing.
 */
function supersede(old: Row, column: string, next: Row, undo: Undo): void {
  let links = supersededBy.get(old);
  if (!links) supersededBy.set(old, (links = new Map<string, Superseded>()));
  links.set(column, { next, undo });
  Object.defineProperty(old, column, {
    configurable: true,
    enumerable: true,
    get: () => settle(old, column, materialise(old, column)),
    set: (v: DecodedValue) => {
      settle(old, column, v);
    },
  });
}

function settle(row: Row, column: string, value: DecodedValue): DecodedValue {
  supersededBy.get(row)?.delete(column);
  Object.defineProperty(row, column, { value, writable: true, enumerable: true, configurable: true });
  return value;
}

function materialise(row: Row, column: string): Record<string, Atom> | Atom[] {
  const undos: Undo[] = [];
  let r = row;
  for (let link = supersededBy.get(r)?.get(column); link; link = supersededBy.get(r)?.get(column)) {
    undos.push(link.undo);
    r = link.next;
  }
  const newest = r[column];
  if (Array.isArray(newest)) {
    const out: Atom[] = newest.slice();
    // Newest change first: each undo takes the value one change further back, and puts the
    // elements back where they were, so the old row reads exactly what it held.
    for (let i = undos.length - 1; i >= 0; i--) {
      const u = undos[i] as SetUndo;
      out.length -= u.added.length;
      for (let j = u.removed.length - 1; j >= 0; j--) {
        const [at, a] = u.removed[j] as readonly [number, Atom];
        out.splice(at, 0, a);
      }
    }
    return out;
  }
  const out: Record<string, Atom> = { ...(newest as Record<string, Atom>) };
  for (let i = undos.length - 1; i >= 0; i--) {
    const u = undos[i] as Extract<Undo, { kind: 'map' }>;
    for (const [k, v] of u.before) {
      if (v === undefined) delete out[k as string];
      else out[k as string] = v;
    }
  }
  return out;
}

/**
 * For a reader of an update that carries `changes`: the old row's value of `key` in a
 * string-keyed map column, from the change (or the new row, when the key did not change)
 * rather than from the old row's map, which would be made whole for it.
 */
export function valueBefore<V extends Atom>(change: ColumnChange | undefined, now: Readonly<Record<string, V>>, key: string): V | undefined {
  if (change?.kind === 'map' && change.before.has(key)) return change.before.get(key) as V | undefined;
  return now[key];
}

/** The keys a map column's change names; none for another kind of change. */
export function changedMapKeys(change: ColumnChange | undefined): Atom[] {
  return change?.kind === 'map' ? [...change.before.keys()] : [];
}

/**
 * A big set changed where it is, like a string-keyed map (inPlaceDelta): a hub router's ports
 * and static routes hold thousands of uuids and gain one each per peering, and a copy of both per
 * update was most of what grew with the hub in hvnetd's CPU per create (bench/scale).
 * inPlaceToggles: the decoded toggles, or undefined when the column is not a set held as an
 * array, or the diff toggles so many elements (a bulk change) that one copy is cheaper than
 * a scan per element.
 */
function inPlaceToggles(type: ColumnType, current: DecodedValue, diff: unknown, at: { table: string; column: string }): Atom[] | undefined {
  if (columnShape(type) !== 'set' || !Array.isArray(current) || current.length < IN_PLACE_MIN) return undefined;
  const toggles = decodeValue(relaxedType(type), diff, at) as Atom[];
  return toggles.length <= IN_PLACE_TOGGLES ? toggles : undefined;
}
const IN_PLACE_TOGGLES = 8;
/**
 * Below this, a copy costs less than what the old row's lazy value costs (a property made a
 * getter, an entry in a WeakMap): a network's router with a few peerings is copied as before.
 */
const IN_PLACE_MIN = 64;

/**
 * Toggles each element in turn (removed where it is, or appended): the same value as toggleSet
 * gives. Returns how to undo it, and the elements gained and lost (one toggled twice is neither,
 * as in toggleSet).
 */
function toggleInPlace(set: Atom[], toggles: readonly Atom[]): { undo: SetUndo; added: Atom[]; removed: Atom[] } {
  const removed: (readonly [number, Atom])[] = [];
  const pushed: Atom[] = [];
  const members = membersOf(set);
  for (const a of toggles) {
    // An element gained (a hub's new port) is known absent without a scan of the whole set.
    const i = members.has(a) ? set.indexOf(a) : -1;
    if (i < 0) {
      set.push(a);
      members.add(a);
      pushed.push(a);
    } else if (i >= set.length - pushed.length) {
      // Appended by this same diff: toggled back out, as if it had never been added.
      pushed.splice(i - (set.length - pushed.length), 1);
      set.splice(i, 1);
      members.delete(a);
    } else {
      set.splice(i, 1);
      members.delete(a);
      removed.push([i, a]);
    }
  }
  const lost = removed.map(([, a]) => a);
  return {
    undo: { kind: 'set', removed, added: pushed },
    added: pushed.filter((a) => !lost.includes(a)),
    removed: lost.filter((a) => !pushed.includes(a)),
  };
}

/**
 * The elements of a set changed in place, kept beside it from its first in-place change on:
 * `indexOf` on a hub router's 5,000 port uuids, which a gained port always scans to the end, was
 * a tenth of a ms per create at 5,000 spokes (bench/scale). Only toggleInPlace changes such an
 * array, and it keeps this in step; a value the general path makes is a new array, without one.
 */
const setMembers = new WeakMap<Atom[], Set<Atom>>();
function membersOf(set: Atom[]): Set<Atom> {
  let m = setMembers.get(set);
  if (!m) setMembers.set(set, (m = new Set(set)));
  return m;
}

/**
 * The set with the toggled elements removed (when present) or appended, in the order the
 * general path gives, without copying a big set (a hub's ports) into a Set and back; with the
 * elements it gained and lost.
 */
function toggleSet(current: readonly Atom[], toggles: readonly Atom[]): { value: Atom[]; added: Atom[]; removed: Atom[] } {
  if (toggles.length === 1) {
    // One toggle (a peering adds a port): no counting, the same result as below.
    const a = toggles[0] as Atom;
    const out = current.slice();
    const i = out.indexOf(a);
    if (i >= 0) {
      out.splice(i, 1);
      return { value: out, added: [], removed: [a] };
    }
    out.push(a);
    return { value: out, added: [a], removed: [] };
  }
  const counts = new Map<Atom, number>();
  for (const a of toggles) counts.set(a, (counts.get(a) ?? 0) + 1);
  const added: Atom[] = [];
  const removed: Atom[] = [];
  // A few toggles (a peering's port): found with the engine's array scan, the rest copied whole.
  if (counts.size <= 8) {
    const out = current.slice();
    const tail: Atom[] = [];
    for (const [a, n] of counts) {
      const i = out.indexOf(a);
      if (i >= 0) {
        out.splice(i, 1);
        // Toggled an even number of times: put back, last (the general path's order).
        if (n % 2 === 0) tail.push(a);
        else removed.push(a);
      } else if (n % 2 === 1) {
        tail.push(a);
        added.push(a);
      }
    }
    for (const a of tail) out.push(a);
    return { value: out, added, removed };
  }
  const t = new Set(toggles);
  const hit = new Set<Atom>();
  const out: Atom[] = [];
  for (const a of current) {
    if (t.has(a) && !hit.has(a)) hit.add(a);
    else out.push(a);
  }
  // An element toggled twice is put back; the general path does the same.
  for (const [a, n] of counts) {
    const present = hit.has(a);
    if ((present ? n - 1 : n) % 2 === 1) {
      out.push(a);
      if (!present) added.push(a);
    } else if (present) removed.push(a);
  }
  return { value: out, added, removed };
}

/** The type of a modify diff: any number of elements of the column's kind. Made once per column. */
const relaxedTypes = new WeakMap<ColumnType, ColumnType>();
function relaxedType(type: ColumnType): ColumnType {
  let r = relaxedTypes.get(type);
  if (!r) relaxedTypes.set(type, (r = type.value ? { ...type, min: 0, max: 'unlimited' } : { key: type.key, min: 0, max: 'unlimited' }));
  return r;
}

function entriesOf(value: DecodedValue): [Atom, Atom][] {
  if (value instanceof Map) return [...value.entries()];
  if (value && typeof value === 'object' && !Array.isArray(value)) return Object.entries(value);
  return [];
}

/**
 * A fresh row (insert/initial): its monitored columns in the monitored order, each decoded from
 * the wire or, when update2 left it out (a default value), its default; then `_uuid`. The same
 * row as decodeRow and withDefaults make, with one property order per table: a row with and one
 * without, say, `peer` are then the same kind of object to the engine, and the code that reads rows
 * stays fast and is not recompiled for each new combination. A wire row with anything else (a
 * column not monitored, `_version`) takes the general path.
 */
function freshRow(schema: TableSchema, monitored: readonly string[], wire: unknown, uuid: string): Row {
  if (typeof wire === 'object' && wire !== null && !Array.isArray(wire)) {
    const record = wire as Record<string, unknown>;
    const list = defaultsOf(schema, monitored);
    const row: Row = {} as Row;
    let found = 0;
    for (let i = 0; i < list.length; i++) {
      const [name, make, type] = list[i] as [string, DefaultMaker, ColumnType];
      if (Object.hasOwn(record, name)) {
        row[name] = decodeColumnValue(type, record[name], schema.name, name);
        found++;
      } else row[name] = make();
    }
    let size = 0;
    for (const name in record) if (Object.hasOwn(record, name)) size++;
    if (size === found) {
      row._uuid = uuid;
      return row;
    }
  }
  const row = withDefaults(schema, monitored, decodeRow(schema, wire)) as Row;
  row._uuid = uuid;
  return row;
}

/** A fresh row (insert/initial) lists only non-default columns in update2; fill in the defaults. */
function withDefaults(schema: TableSchema, monitored: readonly string[], row: DecodedRow): DecodedRow {
  const list = defaultsOf(schema, monitored);
  for (let i = 0; i < list.length; i++) {
    const [name, make] = list[i] as [string, DefaultMaker, ColumnType];
    if (!(name in row)) row[name] = make();
  }
  return row;
}

type DefaultMaker = () => DecodedValue;
const defaultsCache = new WeakMap<readonly string[], [string, DefaultMaker, ColumnType][]>();

/** Per monitored column list, made once: the column names, how to make each default value, the column types. */
function defaultsOf(schema: TableSchema, monitored: readonly string[]): [string, DefaultMaker, ColumnType][] {
  let list = defaultsCache.get(monitored);
  if (list) return list;
  list = [];
  for (const name of monitored) {
    const col = schema.columns.get(name);
    if (!col) continue;
    const shape = columnShape(col.type);
    const atom = shape === 'scalar' ? defaultAtom(col.type) : undefined;
    const stringKeys = col.type.key.type === 'string';
    const make: DefaultMaker =
      shape === 'set' ? () => [] : shape === 'map' ? (stringKeys ? () => ({}) : () => new Map()) : () => atom;
    list.push([name, make, col.type]);
  }
  defaultsCache.set(monitored, list);
  return list;
}

function defaultAtom(type: ColumnType): Atom {
  switch (type.key.type) {
    case 'integer':
    case 'real':
      return 0;
    case 'boolean':
      return false;
    case 'string':
      return '';
    case 'uuid':
      return '00000000-0000-0000-0000-000000000000';
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function sameIndexedValues(columns: readonly string[], row: Row, old: Row): boolean {
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i] as string;
    if (row[c] !== old[c]) return false;
  }
  return true;
}

/** A row's key in an index: indexKey of its values in those columns. */
function rowKey(columns: readonly string[], row: Row): string {
  if (columns.length === 1) {
    const v = row[columns[0] as string];
    if (typeof v === 'string' && v.charCodeAt(0) !== 0) return v;
  }
  return indexKey(columns.map((c) => row[c]));
}

// The usual index is one string column (a name): its key is the string itself, not a copy. Any
// other key is serialized behind a NUL, and so is a string that starts with one (which
// ovsdb-server never sends: it refuses "\u0000"), so the two kinds never meet.
function indexKey(values: readonly unknown[]): string {
  const only = values[0];
  if (values.length === 1 && typeof only === 'string' && only.charCodeAt(0) !== 0) return only;
  return `\u0000${JSON.stringify(values.map((v) => (v instanceof Map ? [...v] : v)))}`;
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

function sameRow(a: Row, b: Row): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!sameValue(a[k], b[k])) return false;
  return true;
}

/**
 * Equal content, whatever the order: a map changed in place, or a set toggled, holds its keys
 * and elements in the order the changes came, the server's snapshot in its own.
 */
function sameValue(a: DecodedValue, b: DecodedValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    const inB = new Set(b);
    return a.every((x) => inB.has(x));
  }
  if (a instanceof Map && b instanceof Map) return a.size === b.size && [...a].every(([k, v]) => b.has(k) && b.get(k) === v);
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b) && !(a instanceof Map) && !(b instanceof Map)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
  }
  return a === b;
}
