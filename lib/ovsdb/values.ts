// RFC 7047 value notation (section 5.1) and its JavaScript form, per column type.
//
// On the wire: uuid ["uuid", s], named-uuid ["named-uuid", id], set ["set", [atoms]] (a lone atom
// stands for a one-element set), map ["map", [[k, v], ...]].
// In JavaScript (decoded rows, generated row types):
//   scalar column (min 1, max 1)   the atom; uuids as plain strings
//   optional column (min 0, max 1) the atom or undefined
//   set column                     an array
//   map column                     Record<string, V> when keys are strings, otherwise Map<K, V>
// When writing, a uuid atom is a uuid string, or a ["named-uuid", id] / ["uuid", s] pair built with
// namedUuid()/uuid(), so rows inserted in the same transaction can reference each other.
//
// Checking values against a column type is validate.ts; encoding JavaScript values (with that
// check) is encode.ts. Both share the readers of wire shapes below with the decoder.
import { DecodeError, SchemaValidationError } from './errors.js';
import type { Atom, BaseType, ColumnType, TableSchema } from './schema.js';
import { columnShape, implicitColumn } from './schema.js';

export type UuidAtom = ['uuid', string];
export type NamedUuidAtom = ['named-uuid', string];
export type WireAtom = number | boolean | string | UuidAtom | NamedUuidAtom;
export type WireSet = ['set', WireAtom[]];
export type WireMap = ['map', [WireAtom, WireAtom][]];
export type WireValue = WireAtom | WireSet | WireMap;
export type WireRow = Record<string, WireValue>;

/** A value as decoded from the server. */
export type DecodedValue = Atom | undefined | Atom[] | Record<string, Atom> | Map<Atom, Atom>;
export type DecodedRow = Record<string, DecodedValue>;

const ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isUuid(text: string): boolean {
  // 8-4-4-4-12 hex digits, checked by hand: it runs for every uuid of every transaction.
  if (text.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46))) return false;
  }
  return true;
}

/** An RFC 7047 <id>, the form uuid-names must have. */
export function isId(text: string): boolean {
  return ID.test(text);
}

export function uuid(text: string): UuidAtom {
  if (!isUuid(text)) throw new SchemaValidationError('wrong-type', `${JSON.stringify(text)} is not a UUID`, { value: text });
  return ['uuid', text];
}

export function namedUuid(name: string): NamedUuidAtom {
  if (!ID.test(name)) {
    throw new SchemaValidationError('wrong-type', `${JSON.stringify(name)} is not a valid uuid-name`, {
      value: name,
      allowed: 'a letter or _ followed by letters, digits, _',
    });
  }
  return ['named-uuid', name];
}

// set() and map() keep the element types, so a set of numbers for a string column is a tsc error
// in the typed builders (typed-operations.ts).
export function set<A extends WireAtom>(atoms: Iterable<A>): ['set', A[]] {
  return ['set', [...atoms]];
}

export function map<K extends WireAtom, V extends WireAtom>(entries: Iterable<readonly [K, V]>): ['map', [K, V][]];
export function map<V extends WireAtom>(entries: Readonly<Record<string, V>>): ['map', [string, V][]];
export function map(entries: Iterable<readonly [WireAtom, WireAtom]> | Readonly<Record<string, WireAtom>>): WireMap {
  const pairs: [WireAtom, WireAtom][] = [];
  const iterable = isIterable<readonly [WireAtom, WireAtom]>(entries) ? entries : Object.entries(entries);
  for (const [k, v] of iterable) pairs.push([k, v]);
  return ['map', pairs];
}

function isIterable<T>(value: unknown): value is Iterable<T> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value;
}

export function isUuidAtom(value: unknown): value is UuidAtom | NamedUuidAtom {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    (value[0] === 'uuid' || value[0] === 'named-uuid') &&
    typeof value[1] === 'string'
  );
}

// ------------------------------------------------------------------------------------------------
// Describing types, for error messages that say what would have been accepted.

export function describeBaseType(base: BaseType): string {
  const parts: string[] = [base.type];
  if (base.enum !== undefined) return `one of ${base.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  if (base.minInteger !== undefined || base.maxInteger !== undefined) parts.push(describeRange(base.minInteger, base.maxInteger));
  if (base.minReal !== undefined || base.maxReal !== undefined) parts.push(describeRange(base.minReal, base.maxReal));
  if (base.minLength !== undefined || base.maxLength !== undefined) {
    parts.push(`of ${describeRange(base.minLength, base.maxLength)} characters`);
  }
  if (base.refTable !== undefined) parts.push(`referencing ${base.refTable}`);
  return parts.join(' ');
}

export function describeRange(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${min} to ${max}`;
  if (min !== undefined) return `>= ${min}`;
  return `<= ${String(max)}`;
}

export function describeCount(type: ColumnType): string {
  return `${type.min} to ${type.max} elements`;
}

export function describeType(type: ColumnType): string {
  switch (columnShape(type)) {
    case 'scalar':
      return describeBaseType(type.key);
    case 'optional':
      return `optional ${describeBaseType(type.key)}`;
    case 'set':
      return `set of ${type.min} to ${type.max} (${describeBaseType(type.key)})`;
    case 'map':
      return `map of ${type.min} to ${type.max} (${describeBaseType(type.key)}) to (${describeBaseType(type.value as BaseType)})`;
  }
}

// ------------------------------------------------------------------------------------------------
// Reading wire shapes, for the decoder here and the validator (validate.ts).

export interface ValueLocation {
  table: string;
  column: string;
}

export function mapPairs(value: unknown): unknown[][] | undefined {
  if (!Array.isArray(value) || value.length !== 2 || value[0] !== 'map' || !Array.isArray(value[1])) return undefined;
  const pairs = value[1] as unknown[];
  for (const pair of pairs) if (!Array.isArray(pair) || pair.length !== 2) return undefined;
  return pairs as unknown[][];
}

// A set value, or a lone atom standing for a one-element set.
export function setAtoms(value: unknown, key: BaseType): unknown[] | undefined {
  if (Array.isArray(value)) {
    if (value.length === 2 && value[0] === 'set' && Array.isArray(value[1])) return value[1] as unknown[];
    if (key.type === 'uuid' && isUuidAtom(value)) return [value];
    return undefined;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [value];
  return undefined;
}

export function describeAtomicType(base: BaseType): string {
  switch (base.type) {
    case 'integer':
      return 'an integer';
    case 'real':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'string':
      return 'a string';
    case 'uuid':
      return '["uuid", UUID] or ["named-uuid", NAME]';
  }
}

export function preview(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

// ------------------------------------------------------------------------------------------------
// Decoding wire values from the server.

export interface DecodeOptions {
  /**
   * A newer server may have columns our schema lacks (Logical_Router_Port.status appeared in 24.03).
   * Default "ignore": they are dropped. "error": DecodeError.
   */
  unknownColumns?: 'ignore' | 'error';
}

/**
 * Decodes one column value. Only structure and atomic types are checked, not constraints: the
 * server is the authority on what it stores, and a newer server may allow more enum members.
 */
export function decodeValue(type: ColumnType, wire: unknown, at: ValueLocation): DecodedValue {
  return decodeIn(type, wire, at.table, at.column);
}

/** decodeValue without the location object, for the cache's loop over a row's columns. */
export function decodeColumnValue(type: ColumnType, wire: unknown, table: string, column: string): DecodedValue {
  return decodeIn(type, wire, table, column);
}

// The decoder runs for every column of every row of a snapshot (12,000 rows, 30 tables for a big
// Northbound), so the common shapes return early and nothing is allocated for the error path
// unless there is an error.
function decodeIn(type: ColumnType, wire: unknown, table: string, column: string): DecodedValue {
  const key = type.key;
  if (type.value === undefined && type.min === 1 && type.max === 1) {
    const t = typeof wire;
    if (t === 'string' ? key.type === 'string' : t === 'boolean' ? key.type === 'boolean' : t === 'number' && (key.type === 'real' || (key.type === 'integer' && Number.isInteger(wire)))) {
      return wire as Atom;
    }
  }
  const shape = columnShape(type);
  if (shape === 'map') {
    const pairs = mapPairs(wire);
    if (pairs === undefined) return decodeFail(table, column, `expected a map, got ${preview(wire)}`, wire);
    if (key.type === 'string') {
      const out: Record<string, Atom> = {};
      for (const [k, v] of pairs) {
        const name = decodeAtom(key, k, table, column) as string;
        const value = decodeAtom(type.value as BaseType, v, table, column);
        // A key named __proto__ is data (an external_ids key can be anything), not the prototype.
        if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
        else out[name] = value;
      }
      return out;
    }
    const m = new Map<Atom, Atom>();
    for (const [k, v] of pairs) m.set(decodeAtom(key, k, table, column), decodeAtom(type.value as BaseType, v, table, column));
    return m;
  }
  // A lone atom (the usual optional value, a one-element set): decoded without wrapping it.
  const kind = typeof wire;
  if (kind === 'string' || kind === 'number' || kind === 'boolean' || (key.type === 'uuid' && isUuidAtom(wire))) {
    const atom = decodeAtom(key, wire, table, column);
    return shape === 'set' ? [atom] : atom;
  }
  const atoms = setAtoms(wire, key);
  if (atoms === undefined) return decodeFail(table, column, `expected ${describeType(type)}, got ${preview(wire)}`, wire);
  const n = atoms.length;
  if (shape !== 'set') {
    if (n > 1) return decodeFail(table, column, `expected at most one element, got ${n}`, wire);
    if (n === 0) return shape === 'scalar' ? decodeFail(table, column, 'expected one element, got none', wire) : undefined;
    return decodeAtom(key, atoms[0], table, column);
  }
  const decoded = new Array<Atom>(n);
  for (let i = 0; i < n; i++) decoded[i] = decodeAtom(key, atoms[i], table, column);
  return decoded;
}

function decodeFail(table: string, column: string, reason: string, wire: unknown): never {
  throw new DecodeError(table, column, reason, wire);
}

function decodeAtom(base: BaseType, wire: unknown, table: string, column: string): Atom {
  switch (base.type) {
    case 'string':
      if (typeof wire === 'string') return wire;
      break;
    case 'uuid':
      if (Array.isArray(wire) && wire.length === 2 && wire[0] === 'uuid' && typeof wire[1] === 'string') return wire[1];
      break;
    case 'integer':
      if (Number.isInteger(wire)) return wire as number;
      break;
    case 'real':
      if (typeof wire === 'number') return wire;
      break;
    case 'boolean':
      if (typeof wire === 'boolean') return wire;
      break;
  }
  return decodeFail(table, column, `expected ${describeAtomicType(base)}, got ${preview(wire)}`, wire);
}

/** Decodes a row object as found in select results and monitor updates; absent columns stay absent. */
export function decodeRow(table: TableSchema, wire: unknown, options: DecodeOptions = {}): DecodedRow {
  if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) {
    throw new DecodeError(table.name, '*', `expected a row object, got ${preview(wire)}`, wire);
  }
  const out: DecodedRow = {};
  const record = wire as Record<string, unknown>;
  for (const name in record) {
    const value = record[name];
    const column = table.columns.get(name) ?? implicitColumn(name);
    if (column === undefined) {
      if (options.unknownColumns === 'error') throw new DecodeError(table.name, name, 'column not in our schema', value);
      continue;
    }
    out[name] = decodeIn(column.type, value, table.name, name);
  }
  return out;
}
