// JavaScript values to RFC 7047 wire values, per column type (the forms are listed in values.ts),
// checked against every constraint of the column on the way: for callers that hold plain
// JavaScript values (tests, tools) rather than building wire values with set(), map(), uuid().
import { SchemaValidationError } from './errors.js';
import type { Atom, BaseType, ColumnType, TableSchema } from './schema.js';
import { columnShape } from './schema.js';
import { validateValue, writableColumn } from './validate.js';
import { describeType, isUuid, isUuidAtom, preview } from './values.js';
import type { NamedUuidAtom, UuidAtom, ValueLocation, WireAtom, WireRow, WireValue } from './values.js';

/** An atom as accepted for writing. */
export type JsAtom = Atom | UuidAtom | NamedUuidAtom;
/** A column value as accepted for writing; values.ts lists which form fits which column. */
export type JsValue =
  | JsAtom
  | null
  | undefined
  | readonly JsAtom[]
  | ReadonlySet<JsAtom>
  | Readonly<Record<string, JsAtom>>
  | ReadonlyMap<JsAtom, JsAtom>;

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
  if (base.type === 'uuid' && typeof atom === 'string' && isUuid(atom)) return ['uuid', atom];
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
