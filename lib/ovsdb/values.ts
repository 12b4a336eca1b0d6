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
import { DecodeError, SchemaValidationError } from './errors.js';
import type { Atom, BaseType, ColumnSchema, ColumnType, TableSchema } from './schema.js';
import { columnShape, implicitColumn, maxCount } from './schema.js';

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

/** An atom as accepted for writing. */
export type JsAtom = Atom | UuidAtom | NamedUuidAtom;
/** A column value as accepted for writing; see the file comment for which form fits which column. */
export type JsValue =
  | JsAtom
  | null
  | undefined
  | readonly JsAtom[]
  | ReadonlySet<JsAtom>
  | Readonly<Record<string, JsAtom>>
  | ReadonlyMap<JsAtom, JsAtom>;

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ID = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LONE_SURROGATE = /\p{Cs}/u;
const INT64_LIMIT = 2 ** 63;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** An RFC 7047 <id>, the form uuid-names must have. */
export function isId(text: string): boolean {
  return ID.test(text);
}

export function uuid(text: string): UuidAtom {
  if (!UUID.test(text)) throw new SchemaValidationError('wrong-type', `${JSON.stringify(text)} is not a UUID`, { value: text });
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

function describeRange(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${min} to ${max}`;
  if (min !== undefined) return `>= ${min}`;
  return `<= ${String(max)}`;
}

function describeCount(type: ColumnType): string {
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
// Validation of wire values.

export interface ValueLocation {
  table: string;
  column: string;
}

/**
 * strict: the value must satisfy every constraint (row contents of insert and update).
 * elements: every element must satisfy the constraints, any number of elements (the operand of a
 * mutate "insert": its elements end up in the column, the count is checked by the server on the result).
 * transient: types only, any number of elements (condition operands, "delete" operands, wait rows).
 */
export type ValidationMode = 'strict' | 'elements' | 'transient';

export function validateValue(type: ColumnType, value: unknown, at: ValueLocation, mode: ValidationMode = 'strict'): void {
  const fail = (kind: SchemaValidationError['kind'], reason: string, allowed: string, bad: unknown = value): never => {
    throw new SchemaValidationError(kind, reason, { table: at.table, column: at.column, value: bad, allowed });
  };
  if (type.value !== undefined) {
    const pairs = mapPairs(value);
    if (pairs === undefined) fail('wrong-type', `expected ["map", [[key, value], ...]], got ${preview(value)}`, describeType(type));
    const seen = (pairs as unknown[][]).length > 1 ? new Set<string>() : undefined;
    for (const [k, v] of pairs as unknown[][]) {
      checkAtom(type.key, k, at, mode, 'key ');
      checkAtom(type.value, v, at, mode, 'value ');
      if (!seen) continue;
      const id = atomIdentity(k);
      if (seen.has(id)) fail('duplicate', `duplicate map key ${preview(k)}`, 'distinct keys', k);
      seen.add(id);
    }
    if (mode === 'strict') checkCount((pairs as unknown[]).length, type, fail);
    return;
  }
  const atoms = setAtoms(value, type.key);
  if (atoms === undefined) fail('wrong-type', `expected ${describeType(type)}, got ${preview(value)}`, describeType(type));
  const seen = (atoms as unknown[]).length > 1 ? new Set<string>() : undefined;
  for (const atom of atoms as unknown[]) {
    checkAtom(type.key, atom, at, mode, '');
    if (!seen) continue;
    const id = atomIdentity(atom);
    if (seen.has(id)) fail('duplicate', `duplicate set element ${preview(atom)}`, 'distinct elements', atom);
    seen.add(id);
  }
  if (mode === 'strict') checkCount((atoms as unknown[]).length, type, fail);
}

function checkCount(
  n: number,
  type: ColumnType,
  fail: (kind: SchemaValidationError['kind'], reason: string, allowed: string) => never,
): void {
  if (n < type.min || n > maxCount(type)) {
    fail('set-size', `${n} element${n === 1 ? '' : 's'} where ${describeCount(type)} are allowed`, describeCount(type));
  }
}

function mapPairs(value: unknown): unknown[][] | undefined {
  if (!Array.isArray(value) || value.length !== 2 || value[0] !== 'map' || !Array.isArray(value[1])) return undefined;
  const pairs = value[1] as unknown[];
  for (const pair of pairs) if (!Array.isArray(pair) || pair.length !== 2) return undefined;
  return pairs as unknown[][];
}

// A set value, or a lone atom standing for a one-element set.
function setAtoms(value: unknown, key: BaseType): unknown[] | undefined {
  if (Array.isArray(value)) {
    if (value.length === 2 && value[0] === 'set' && Array.isArray(value[1])) return value[1] as unknown[];
    if (key.type === 'uuid' && isUuidAtom(value)) return [value];
    return undefined;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [value];
  return undefined;
}

// Sets and maps compare atoms by value; uuid and named-uuid with the same text are different atoms.
function atomIdentity(atom: unknown): string {
  // On the hot path of every validated transaction: no JSON.stringify for the common atoms.
  if (typeof atom === 'string') return `s${atom}`;
  if (typeof atom === 'number') return `n${atom}`;
  if (typeof atom === 'boolean') return atom ? 'T' : 'F';
  if (Array.isArray(atom) && atom.length === 2 && typeof atom[1] === 'string') return `${String(atom[0])}:${atom[1]}`;
  return JSON.stringify(atom);
}

function checkAtom(base: BaseType, atom: unknown, at: ValueLocation, mode: ValidationMode, role: string): void {
  const fail = (kind: SchemaValidationError['kind'], reason: string, allowed: string): never => {
    throw new SchemaValidationError(kind, `${role}${reason}`, { table: at.table, column: at.column, value: atom, allowed });
  };
  const wrongType = (): never => fail('wrong-type', `expected ${describeAtomicType(base)}, got ${preview(atom)}`, describeBaseType(base));
  switch (base.type) {
    case 'integer':
      if (typeof atom !== 'number' || !Number.isInteger(atom) || Math.abs(atom) > INT64_LIMIT) wrongType();
      break;
    case 'real':
      if (typeof atom !== 'number' || !Number.isFinite(atom)) wrongType();
      break;
    case 'boolean':
      if (typeof atom !== 'boolean') wrongType();
      break;
    case 'string':
      if (typeof atom !== 'string') wrongType();
      if (LONE_SURROGATE.test(atom as string)) fail('wrong-type', 'string is not valid Unicode (lone surrogate)', 'valid Unicode text');
      break;
    case 'uuid':
      if (!isUuidAtom(atom)) wrongType();
      else if (atom[0] === 'uuid' ? !UUID.test(atom[1]) : !ID.test(atom[1])) wrongType();
      break;
  }
  if (mode === 'transient') return;
  const value = atom as Atom;
  if (base.enum !== undefined && !base.enum.includes(value)) {
    fail('enum', `${preview(value)} is not an allowed value`, base.enum.map((e) => JSON.stringify(e)).join(', '));
  }
  if (typeof value === 'number') {
    const [min, max] = base.type === 'integer' ? [base.minInteger, base.maxInteger] : [base.minReal, base.maxReal];
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
      fail('range', `${value} is out of range`, describeRange(min, max));
    }
  }
  if (typeof value === 'string' && (base.minLength !== undefined || base.maxLength !== undefined)) {
    const length = codePointLength(value);
    if ((base.minLength !== undefined && length < base.minLength) || (base.maxLength !== undefined && length > base.maxLength)) {
      fail(
        'length',
        `string of ${length} characters is too ${base.minLength !== undefined && length < base.minLength ? 'short' : 'long'}`,
        `${describeRange(base.minLength, base.maxLength)} characters`,
      );
    }
  }
}

function describeAtomicType(base: BaseType): string {
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

// ovsdb-server counts characters, not bytes or UTF-16 units.
function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

function preview(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

// ------------------------------------------------------------------------------------------------
// Encoding JavaScript values to the wire.

/** Encodes one column value and validates it against every constraint of the column type. */
export function encodeValue(type: ColumnType, value: JsValue, at: ValueLocation): WireValue {
  const wire = toWire(type, value, at);
  validateValue(type, wire, at, 'strict');
  return wire;
}

function toWire(type: ColumnType, value: JsValue, at: ValueLocation): WireValue {
  const wrong = (): never => {
    throw new SchemaValidationError('wrong-type', `expected ${describeType(type)}, got ${preview(value)}`, {
      table: at.table,
      column: at.column,
      value,
      allowed: describeType(type),
    });
  };
  const shape = columnShape(type);
  if (shape === 'map') {
    const pairs: [WireAtom, WireAtom][] = [];
    if (value instanceof Map) {
      for (const [k, v] of value as ReadonlyMap<JsAtom, JsAtom>) pairs.push([atomToWire(type.key, k), atomToWire(type.value as BaseType, v)]);
    } else if (isPlainRecord(value) && type.key.type === 'string') {
      for (const [k, v] of Object.entries(value)) pairs.push([k, atomToWire(type.value as BaseType, v)]);
    } else {
      wrong();
    }
    return ['map', pairs];
  }
  if (value === undefined || value === null) {
    if (shape === 'scalar') wrong();
    return ['set', []];
  }
  if (isJsAtom(value, type.key)) {
    const atom = atomToWire(type.key, value);
    return shape === 'set' ? ['set', [atom]] : atom;
  }
  if (Array.isArray(value) || value instanceof Set) {
    const atoms: WireAtom[] = [];
    for (const a of value as Iterable<JsAtom>) atoms.push(atomToWire(type.key, a));
    if (shape === 'scalar' && atoms.length === 1) return atoms[0] as WireAtom;
    return ['set', atoms];
  }
  return wrong();
}

function isJsAtom(value: JsValue, key: BaseType): value is JsAtom {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || (key.type === 'uuid' && isUuidAtom(value));
}

function isPlainRecord(value: unknown): value is Record<string, JsAtom> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

// Uuid strings become ["uuid", s]; anything malformed is passed through for validateValue to name.
function atomToWire(base: BaseType, atom: JsAtom): WireAtom {
  if (base.type === 'uuid' && typeof atom === 'string' && UUID.test(atom)) return ['uuid', atom];
  return atom;
}

/**
 * Encodes a row for insert or update. Every column must exist and be writable; `undefined` in an
 * optional or set column means "empty".
 */
export function encodeRow(table: TableSchema, row: Readonly<Record<string, JsValue>>): WireRow {
  const out: WireRow = {};
  for (const [name, value] of Object.entries(row)) {
    const column = writableColumn(table, name);
    out[name] = encodeValue(column.type, value, { table: table.name, column: name });
  }
  return out;
}

/** The named column, or a SchemaValidationError that lists the known ones. */
export function lookupColumn(table: TableSchema, name: string): ColumnSchema {
  const column = table.columns.get(name) ?? implicitColumn(name);
  if (column === undefined) {
    throw new SchemaValidationError('unknown-column', `no column ${JSON.stringify(name)} in table ${table.name}`, {
      table: table.name,
      column: name,
      allowed: ['_uuid', '_version', ...table.columns.keys()].join(', '),
    });
  }
  return column;
}

/** Like lookupColumn, refusing `_uuid`/`_version`, which the server maintains. */
export function writableColumn(table: TableSchema, name: string): ColumnSchema {
  const column = lookupColumn(table, name);
  if (implicitColumn(name) !== undefined) {
    throw new SchemaValidationError('read-only', `${name} is maintained by the server and cannot be written`, {
      table: table.name,
      column: name,
    });
  }
  return column;
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
