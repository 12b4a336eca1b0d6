// The .ovsschema document (RFC 7047 section 3.2) as a typed model. Everything is normalized on the
// way in (atomic-type shorthands expanded, defaults made explicit, enums as arrays) so the value
// codecs, the validator and the code generator each read one shape. Tables and columns are Maps:
// a lookup of "constructor" or "__proto__" must say "unknown", not find Object.prototype.
import { SchemaParseError } from './errors.js';

export type AtomicType = 'integer' | 'real' | 'boolean' | 'string' | 'uuid';
export type Atom = number | boolean | string;

export interface BaseType {
  type: AtomicType;
  /** Allowed values, when the schema restricts them. Uuid enums do not occur and are rejected. */
  enum?: readonly Atom[];
  minInteger?: number;
  maxInteger?: number;
  minReal?: number;
  maxReal?: number;
  /** In Unicode characters, as ovsdb-server counts them. */
  minLength?: number;
  maxLength?: number;
  refTable?: string;
  /** Only with refTable; "strong" when the schema leaves it out. */
  refType?: 'strong' | 'weak';
}

export interface ColumnType {
  key: BaseType;
  /** Present for maps only. */
  value?: BaseType;
  min: 0 | 1;
  max: number | 'unlimited';
}

export interface ColumnSchema {
  name: string;
  type: ColumnType;
  ephemeral: boolean;
  /** False: only insert may set it. */
  mutable: boolean;
}

export interface TableSchema {
  name: string;
  /** Declared columns, in schema order; `_uuid` and `_version` are implicit (see implicitColumn). */
  columns: ReadonlyMap<string, ColumnSchema>;
  isRoot: boolean;
  maxRows?: number;
  /** Each index is a list of column names whose values together are unique. */
  indexes: readonly (readonly string[])[];
}

export interface DatabaseSchema {
  name: string;
  version: string;
  cksum?: string;
  tables: ReadonlyMap<string, TableSchema>;
}

declare const rowTypes: unique symbol;

/**
 * A schema together with the row types generated from it (lib/ovsdb/codegen.ts), so the cache and
 * the operation builders can take their types from the schema they are given. The property never
 * exists at run time: any DatabaseSchema is assignable, the claim is made where the generated file
 * declares its schema constant.
 */
export type TypedSchema<Tables extends object> = DatabaseSchema & { readonly [rowTypes]?: Tables };

/** How a column's values look in JavaScript; see values.ts. */
export type ColumnShape = 'scalar' | 'optional' | 'set' | 'map';

const ATOMIC_TYPES: readonly string[] = ['integer', 'real', 'boolean', 'string', 'uuid'];
const ID = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VERSION = /^[0-9]+\.[0-9]+\.[0-9]+$/;

const UUID_COLUMN_TYPE: ColumnType = { key: { type: 'uuid' }, min: 1, max: 1 };

/** `_uuid` and `_version` exist in every table without being declared; both are read-only. */
export function implicitColumn(name: string): ColumnSchema | undefined {
  if (name === '_uuid' || name === '_version') return { name, type: UUID_COLUMN_TYPE, ephemeral: false, mutable: false };
  return undefined;
}

export function columnShape(type: ColumnType): ColumnShape {
  if (type.value !== undefined) return 'map';
  if (type.min === 1 && type.max === 1) return 'scalar';
  if (type.min === 0 && type.max === 1) return 'optional';
  return 'set';
}

export function maxCount(type: ColumnType): number {
  return type.max === 'unlimited' ? Number.POSITIVE_INFINITY : type.max;
}

/** Accepts the schema as JSON text or as an already parsed value. */
export function parseSchema(input: unknown): DatabaseSchema {
  let doc = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      throw new SchemaParseError('$', `not JSON: ${(e as Error).message}`);
    }
  }
  const root = record(doc, '$');
  const name = string(root.name, '$.name');
  if (!ID.test(name)) throw new SchemaParseError('$.name', `${JSON.stringify(name)} is not an identifier`);
  const version = string(root.version, '$.version');
  if (!VERSION.test(version)) throw new SchemaParseError('$.version', `${JSON.stringify(version)} is not x.y.z`);
  const cksum = root.cksum === undefined ? undefined : string(root.cksum, '$.cksum');

  const tablesDoc = record(root.tables, '$.tables');
  const tables = new Map<string, TableSchema>();
  for (const [tableName, tableDoc] of Object.entries(tablesDoc)) {
    tables.set(tableName, parseTable(tableName, tableDoc, `$.tables.${tableName}`));
  }
  if (tables.size === 0) throw new SchemaParseError('$.tables', 'no tables');

  // RFC 7047: a schema from before isRoot existed (no table says isRoot: true) makes every table a root.
  const anyRoot = [...tables.values()].some((t) => t.isRoot);
  if (!anyRoot) for (const t of tables.values()) t.isRoot = true;

  for (const table of tables.values()) {
    for (const column of table.columns.values()) {
      for (const base of [column.type.key, column.type.value]) {
        if (base?.refTable !== undefined && !tables.has(base.refTable)) {
          throw new SchemaParseError(
            `$.tables.${table.name}.columns.${column.name}`,
            `refTable ${JSON.stringify(base.refTable)} is not a table of this schema`,
          );
        }
      }
    }
  }
  return cksum === undefined ? { name, version, tables } : { name, version, cksum, tables };
}

type MutableTable = { -readonly [K in keyof TableSchema]: TableSchema[K] };

function parseTable(name: string, doc: unknown, path: string): MutableTable {
  if (!ID.test(name) || name.startsWith('_')) throw new SchemaParseError(path, `table name ${JSON.stringify(name)} is not allowed`);
  const t = record(doc, path);
  allowOnly(t, ['columns', 'isRoot', 'maxRows', 'indexes'], path);
  const columnsDoc = record(t.columns, `${path}.columns`);
  const columns = new Map<string, ColumnSchema>();
  for (const [columnName, columnDoc] of Object.entries(columnsDoc)) {
    const columnPath = `${path}.columns.${columnName}`;
    if (!ID.test(columnName) || columnName.startsWith('_')) {
      throw new SchemaParseError(columnPath, `column name ${JSON.stringify(columnName)} is not allowed`);
    }
    columns.set(columnName, parseColumn(columnName, columnDoc, columnPath));
  }
  const isRoot = t.isRoot === undefined ? false : boolean(t.isRoot, `${path}.isRoot`);
  const table: MutableTable = { name, columns, isRoot, indexes: [] };
  if (t.maxRows !== undefined) {
    table.maxRows = integer(t.maxRows, `${path}.maxRows`);
    if (table.maxRows < 1) throw new SchemaParseError(`${path}.maxRows`, 'must be at least 1');
  }
  if (t.indexes !== undefined) {
    const indexes = array(t.indexes, `${path}.indexes`).map((index, i) => {
      const cols = array(index, `${path}.indexes[${i}]`).map((c, j) => {
        const col = string(c, `${path}.indexes[${i}][${j}]`);
        if (!columns.has(col) && implicitColumn(col) === undefined) {
          throw new SchemaParseError(`${path}.indexes[${i}][${j}]`, `${JSON.stringify(col)} is not a column of ${name}`);
        }
        return col;
      });
      if (cols.length === 0) throw new SchemaParseError(`${path}.indexes[${i}]`, 'an index needs at least one column');
      return cols;
    });
    table.indexes = indexes;
  }
  return table;
}

function parseColumn(name: string, doc: unknown, path: string): ColumnSchema {
  const c = record(doc, path);
  allowOnly(c, ['type', 'ephemeral', 'mutable'], path);
  if (c.type === undefined) throw new SchemaParseError(path, 'missing "type"');
  return {
    name,
    type: parseColumnType(c.type, `${path}.type`),
    ephemeral: c.ephemeral === undefined ? false : boolean(c.ephemeral, `${path}.ephemeral`),
    mutable: c.mutable === undefined ? true : boolean(c.mutable, `${path}.mutable`),
  };
}

function parseColumnType(doc: unknown, path: string): ColumnType {
  if (typeof doc === 'string') return { key: parseBaseType(doc, path), min: 1, max: 1 };
  const t = record(doc, path);
  allowOnly(t, ['key', 'value', 'min', 'max'], path);
  if (t.key === undefined) throw new SchemaParseError(path, 'missing "key"');
  const key = parseBaseType(t.key, `${path}.key`);
  const value = t.value === undefined ? undefined : parseBaseType(t.value, `${path}.value`);
  const min = t.min === undefined ? 1 : integer(t.min, `${path}.min`);
  if (min !== 0 && min !== 1) throw new SchemaParseError(`${path}.min`, `must be 0 or 1, got ${min}`);
  let max: number | 'unlimited' = 1;
  if (t.max === 'unlimited') max = 'unlimited';
  else if (t.max !== undefined) {
    max = integer(t.max, `${path}.max`);
    if (max < 1) throw new SchemaParseError(`${path}.max`, `must be at least 1 or "unlimited", got ${max}`);
  }
  return value === undefined ? { key, min, max } : { key, value, min, max };
}

function parseBaseType(doc: unknown, path: string): BaseType {
  if (typeof doc === 'string') return { type: atomicType(doc, path) };
  const b = record(doc, path);
  allowOnly(b, ['type', 'enum', 'minInteger', 'maxInteger', 'minReal', 'maxReal', 'minLength', 'maxLength', 'refTable', 'refType'], path);
  const type = atomicType(b.type, `${path}.type`);
  const base: BaseType = { type };
  const onlyFor = (member: string, allowed: AtomicType): void => {
    if (b[member] !== undefined && type !== allowed) {
      throw new SchemaParseError(`${path}.${member}`, `only allowed for type ${allowed}, not ${type}`);
    }
  };
  onlyFor('minInteger', 'integer');
  onlyFor('maxInteger', 'integer');
  onlyFor('minReal', 'real');
  onlyFor('maxReal', 'real');
  onlyFor('minLength', 'string');
  onlyFor('maxLength', 'string');
  onlyFor('refTable', 'uuid');
  onlyFor('refType', 'uuid');
  if (b.enum !== undefined) base.enum = parseEnum(b.enum, type, `${path}.enum`);
  if (b.minInteger !== undefined) base.minInteger = integer(b.minInteger, `${path}.minInteger`);
  if (b.maxInteger !== undefined) base.maxInteger = integer(b.maxInteger, `${path}.maxInteger`);
  if (b.minReal !== undefined) base.minReal = number(b.minReal, `${path}.minReal`);
  if (b.maxReal !== undefined) base.maxReal = number(b.maxReal, `${path}.maxReal`);
  if (b.minLength !== undefined) base.minLength = integer(b.minLength, `${path}.minLength`);
  if (b.maxLength !== undefined) base.maxLength = integer(b.maxLength, `${path}.maxLength`);
  if (b.refTable !== undefined) {
    base.refTable = string(b.refTable, `${path}.refTable`);
    base.refType = 'strong';
  }
  if (b.refType !== undefined) {
    if (b.refType !== 'strong' && b.refType !== 'weak') throw new SchemaParseError(`${path}.refType`, 'must be "strong" or "weak"');
    if (base.refTable === undefined) throw new SchemaParseError(`${path}.refType`, 'refType needs refTable');
    base.refType = b.refType;
  }
  if (base.minInteger !== undefined && base.maxInteger !== undefined && base.minInteger > base.maxInteger) {
    throw new SchemaParseError(path, `minInteger ${base.minInteger} > maxInteger ${base.maxInteger}`);
  }
  if (base.minReal !== undefined && base.maxReal !== undefined && base.minReal > base.maxReal) {
    throw new SchemaParseError(path, `minReal ${base.minReal} > maxReal ${base.maxReal}`);
  }
  if (base.minLength !== undefined && base.maxLength !== undefined && base.minLength > base.maxLength) {
    throw new SchemaParseError(path, `minLength ${base.minLength} > maxLength ${base.maxLength}`);
  }
  return base;
}

// An enum is an RFC 7047 <value> of the base type: one atom or ["set", [atoms]].
function parseEnum(doc: unknown, type: AtomicType, path: string): Atom[] {
  if (type === 'uuid') throw new SchemaParseError(path, 'uuid columns cannot have an enum');
  let members: unknown[];
  if (Array.isArray(doc)) {
    if (doc.length !== 2 || doc[0] !== 'set' || !Array.isArray(doc[1])) {
      throw new SchemaParseError(path, 'must be an atom or ["set", [atoms]]');
    }
    members = doc[1] as unknown[];
  } else {
    members = [doc];
  }
  return members.map((m, i) => {
    const ok =
      (type === 'string' && typeof m === 'string') ||
      (type === 'boolean' && typeof m === 'boolean') ||
      (type === 'integer' && Number.isInteger(m)) ||
      (type === 'real' && typeof m === 'number');
    if (!ok) throw new SchemaParseError(`${path}[${i}]`, `${JSON.stringify(m)} is not a ${type}`);
    return m as Atom;
  });
}

function atomicType(doc: unknown, path: string): AtomicType {
  if (typeof doc !== 'string' || !ATOMIC_TYPES.includes(doc)) {
    throw new SchemaParseError(path, `${JSON.stringify(doc)} is not an atomic type (${ATOMIC_TYPES.join(', ')})`);
  }
  return doc as AtomicType;
}

function allowOnly(doc: Record<string, unknown>, members: readonly string[], path: string): void {
  for (const key of Object.keys(doc)) {
    if (!members.includes(key)) throw new SchemaParseError(path, `unknown member ${JSON.stringify(key)} (allowed: ${members.join(', ')})`);
  }
}

function record(doc: unknown, path: string): Record<string, unknown> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new SchemaParseError(path, 'must be an object');
  return doc as Record<string, unknown>;
}

function array(doc: unknown, path: string): unknown[] {
  if (!Array.isArray(doc)) throw new SchemaParseError(path, 'must be an array');
  return doc as unknown[];
}

function string(doc: unknown, path: string): string {
  if (typeof doc !== 'string') throw new SchemaParseError(path, 'must be a string');
  return doc;
}

function boolean(doc: unknown, path: string): boolean {
  if (typeof doc !== 'boolean') throw new SchemaParseError(path, 'must be a boolean');
  return doc;
}

function integer(doc: unknown, path: string): number {
  if (typeof doc !== 'number' || !Number.isInteger(doc)) throw new SchemaParseError(path, 'must be an integer');
  return doc;
}

function number(doc: unknown, path: string): number {
  if (typeof doc !== 'number' || !Number.isFinite(doc)) throw new SchemaParseError(path, 'must be a number');
  return doc;
}
