// Compile-time bridge between the generated row types (columns as values.ts decodes them) and
// the wire forms the operation builders send, so that a misspelt table or column, or a value of
// the wrong kind, is a tsc error instead of a SchemaValidationError at run time. Types only:
// nothing here exists at run time, so the typed layer costs the hot path nothing.
//
// What the types cannot see (enum members of a plain string column, ranges, set sizes, uuid
// syntax) is still checked by validate.ts before a transaction is sent.
import type { ConditionFunction } from './operations.js';
import type { Atom } from './schema.js';
import type { DecodedRow, NamedUuidAtom, UuidAtom, WireValue } from './values.js';

/** A row of a table whose row type the caller did not state: any column, any decoded value. */
export type UntypedRow = DecodedRow & { _uuid: string };
/** The tables of a database whose row types are not known (a cache made from plain names). */
export type AnyTables = Record<string, UntypedRow>;

export type TableName<Tables> = keyof Tables & string;
export type ColumnName<Row> = keyof Row & string;
/** `_uuid` is assigned by the server and cannot be written. */
export type WritableColumn<Row> = Exclude<ColumnName<Row>, '_uuid'>;

/**
 * The rows a monitor puts in the cache: for each monitored table, the listed columns and `_uuid`
 * (every column when the list is undefined), and `_version` when listed. `M` is a monitor request
 * such as NB_TABLES.
 */
export type MonitoredTables<Full, M> = {
  [T in keyof M & keyof Full]: M[T] extends readonly (infer C)[]
    ? Pick<Full[T], Extract<C | '_uuid', keyof Full[T]>> & ('_version' extends C ? { _version: string } : unknown)
    : Full[T];
};

/**
 * A monitor request for some tables of `Tables`: each with its columns, or undefined for all.
 * `_version` (a uuid the server changes on every write of the row) may be listed too: a wait on
 * it states "this row is as read" in one condition, whatever the size of the row.
 */
export type MonitorRequest<Tables> = { readonly [T in TableName<Tables>]?: readonly (ColumnName<Tables[T]> | '_version')[] | undefined };

export type WireSetOf<A> = ['set', A[]];
export type WireMapOf<K, V> = ['map', [K, V][]];

// The generated row types mark uuid atoms (codegen.ts emits `type Uuid = string & UuidMark`): they
// are written as ["uuid", s] or ["named-uuid", name]; any other string is written as itself, and an
// enum column takes its members.
export interface UuidMark {
  readonly __ovsdbUuid?: true;
}
export type AtomWire<A> = A extends string ? (keyof UuidMark extends keyof A ? UuidAtom | NamedUuidAtom : A) : A;

/**
 * The wire values a column with decoded type `V` accepts (RFC 7047 5.1): the atom of a scalar, an
 * atom or an empty set for an optional value, a set (or a lone atom) for a set, a map for a map.
 */
export type ColumnWire<V> = [V] extends [readonly (infer A)[]]
  ? WireSetOf<AtomWire<A>> | AtomWire<A>
  : [NonNullable<V>] extends [Atom]
    ? undefined extends V
      ? AtomWire<NonNullable<V>> | WireSetOf<AtomWire<NonNullable<V>>>
      : AtomWire<V>
    : [V] extends [ReadonlyMap<infer K, infer W>]
      ? WireMapOf<AtomWire<K>, AtomWire<W>>
      : WireMapOf<keyof NonNullable<V> & string, AtomWire<NonNullable<NonNullable<V>[keyof NonNullable<V>]>>>;

/**
 * What a column of `Row` is compared with, or written as. (Extract<…, WireValue> changes nothing
 * for a known row type; it lets the generic builders hand the value to the untyped ones.)
 */
export type ColumnOperand<Row, C extends ColumnName<Row>> = Extract<ColumnWire<Row[C]>, WireValue>;

/** The row of an insert or update: any writable columns (the others keep or get their defaults). */
export type WireRowOf<Row> = { [C in WritableColumn<Row>]?: ColumnOperand<Row, C> };

/** A wait row: the columns it lists, `_uuid` included. */
export type WaitRowOf<Row> = { [C in ColumnName<Row>]?: ColumnOperand<Row, C> };

export type ConditionOf<Row> = { [C in ColumnName<Row>]: [C, ConditionFunction, ColumnOperand<Row, C>] }[ColumnName<Row>];

type Arithmetic = '+=' | '-=' | '*=' | '/=' | '%=';
type ElementOf<V> = [V] extends [readonly (infer A)[]] ? A : NonNullable<V>;
// "delete" on a map also takes the set of keys to remove.
type DeleteOperand<V> = [V] extends [readonly unknown[]]
  ? never
  : [V] extends [ReadonlyMap<infer K, unknown>]
    ? WireSetOf<AtomWire<K>>
    : [NonNullable<V>] extends [object]
      ? WireSetOf<keyof NonNullable<V> & string>
      : never;

export type MutationOf<Row> = {
  [C in WritableColumn<Row>]:
    | [C, 'insert' | 'delete', Extract<ColumnWire<Row[C]>, WireValue>]
    | [C, 'delete', Extract<DeleteOperand<Row[C]>, WireValue>]
    | (ElementOf<Row[C]> extends number ? [C, Arithmetic, number] : never);
}[WritableColumn<Row>];
