// Generates TypeScript row types from an .ovsschema, with the schema itself embedded so that the
// types and the runtime validator come from one file. The output is deterministic (schema order,
// no timestamps, no absolute paths) because a test regenerates the checked-in files and compares
// bytes.
import { posix, relative, resolve, sep } from 'node:path';
import type { BaseType, ColumnSchema, ColumnType, DatabaseSchema, TableSchema } from './schema.js';
import { columnShape, parseSchema } from './schema.js';

export interface CodegenOptions {
  /** The schema file's name, for the header. */
  sourceName?: string;
  /** The command that regenerates the file, for the header. */
  regenerateCommand?: string;
  /**
   * Import specifier of lib/ovsdb/schema.js as seen from the generated file. With it the file also
   * exports the parsed DatabaseSchema; without it only the raw schema document.
   */
  schemaImport?: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** The property name row-types.ts recognises uuid columns by (UuidMark there). */
const UUID_MARK = '__ovsdbUuid';
const INLINE_WIDTH = 100;

export function generateTypes(schemaJson: unknown, options: CodegenOptions = {}): string {
  const schema = parseSchema(schemaJson);
  const doc = typeof schemaJson === 'string' ? (JSON.parse(schemaJson) as unknown) : schemaJson;
  const db = pascalCase(schema.name);
  const dbConst = camelCase(schema.name);
  const rowNames = rowInterfaceNames(schema);
  const out: string[] = [];

  out.push(...header(schema, options));
  if (options.schemaImport !== undefined) {
    out.push(`import type { TypedSchema } from '${options.schemaImport}';`);
    out.push(`import { parseSchema } from '${options.schemaImport}';`);
    out.push('');
  }
  out.push(`export const ${dbConst}Name = ${quote(schema.name)};`);
  out.push(`export const ${dbConst}Version = ${quote(schema.version)};`);
  out.push('');
  out.push('/**');
  out.push(' * A uuid: a plain string at run time. The mark is never set; it tells lib/ovsdb/row-types.ts that');
  out.push(' * the typed builders take ["uuid", s] or ["named-uuid", name] for this column, not a string.');
  out.push(' */');
  out.push(`export type Uuid = string & { readonly ${UUID_MARK}?: true };`);
  out.push('');

  for (const table of schema.tables.values()) {
    out.push(...rowInterface(table, rowNames.get(table.name) as string));
    out.push('');
  }

  out.push(`/** Row type of every table, by table name. */`);
  out.push(`export interface ${db}Tables {`);
  for (const table of schema.tables.values()) out.push(`  ${propertyName(table.name)}: ${rowNames.get(table.name) as string};`);
  out.push('}');
  out.push('');
  out.push(`export type ${db}TableName =`);
  const names = [...schema.tables.keys()];
  names.forEach((name, i) => out.push(`  | ${quote(name)}${i === names.length - 1 ? ';' : ''}`));
  out.push('');
  out.push(`/** The schema document, verbatim. */`);
  out.push(`export const ${dbConst}SchemaJson = ${literal(doc, '')};`);
  if (options.schemaImport !== undefined) {
    out.push('');
    out.push(`/** The parsed schema, for validating operations against the same source as the types above, which it carries. */`);
    out.push(`export const ${dbConst}Schema: TypedSchema<${db}Tables> = parseSchema(${dbConst}SchemaJson);`);
  }
  out.push('');
  return out.join('\n');
}

/** Options for generating `outPath` from `schemaPath`, both inside the repository at `repoRoot`. */
export function optionsForFiles(schemaPath: string, outPath: string, repoRoot: string): CodegenOptions {
  const rel = (p: string): string => relative(repoRoot, resolve(p)).split(sep).join(posix.sep);
  const outDir = resolve(outPath, '..');
  let schemaImport = relative(outDir, resolve(repoRoot, 'lib', 'ovsdb', 'schema.js')).split(sep).join(posix.sep);
  if (!schemaImport.startsWith('.')) schemaImport = `./${schemaImport}`;
  return {
    sourceName: posix.basename(rel(schemaPath)),
    regenerateCommand: `node dist/lib/ovsdb/codegen-cli.js ${rel(schemaPath)} ${rel(outPath)}`,
    schemaImport,
  };
}

function header(schema: DatabaseSchema, options: CodegenOptions): string[] {
  const from = options.sourceName === undefined ? '' : ` from ${options.sourceName}`;
  const cksum = schema.cksum === undefined ? '' : `, cksum ${schema.cksum}`;
  const lines = [
    `// Generated${from} (${schema.name} ${schema.version}${cksum}) by lib/ovsdb/codegen.ts. Do not edit.`,
  ];
  if (options.regenerateCommand !== undefined) lines.push(`// Regenerate: ${options.regenerateCommand}`);
  lines.push(
    '//',
    '// Column values as lib/ovsdb/values.ts decodes them: uuids are strings (typed Uuid); a column',
    '// holding one value is that value, an optional one (min 0, max 1) is `T | undefined`, a set is',
    '// `T[]`, a map with string keys is a Record, any other map a Map. Every row also has `_uuid`.',
    '',
  );
  return lines;
}

function rowInterface(table: TableSchema, name: string): string[] {
  const notes = [table.isRoot ? 'root table' : 'non-root (deleted when unreferenced)'];
  if (table.maxRows !== undefined) notes.push(`at most ${table.maxRows} row${table.maxRows === 1 ? '' : 's'}`);
  if (table.indexes.length > 0) notes.push(`indexes: ${table.indexes.map((ix) => `(${ix.join(', ')})`).join(', ')}`);
  const lines = [`/** ${table.name}: ${notes.join('; ')}. */`, `export interface ${name} {`];
  lines.push('  /** Assigned by the server. */');
  lines.push('  _uuid: Uuid;');
  for (const column of table.columns.values()) {
    const doc = columnDoc(column);
    if (doc !== undefined) lines.push(`  /** ${doc} */`);
    lines.push(`  ${propertyName(column.name)}: ${columnTs(column.type)};`);
  }
  lines.push('}');
  return lines;
}

function columnDoc(column: ColumnSchema): string | undefined {
  const notes: string[] = [];
  const { type } = column;
  const shape = columnShape(type);
  if (shape === 'set' || shape === 'map') {
    if (type.min !== 0 || type.max !== 'unlimited') notes.push(`${type.min} to ${type.max} ${shape === 'map' ? 'pairs' : 'elements'}`);
  }
  const key = baseDoc(type.key);
  const value = type.value === undefined ? undefined : baseDoc(type.value);
  if (key !== undefined) notes.push(shape === 'map' ? `key ${key}` : key);
  if (value !== undefined) notes.push(`value ${value}`);
  if (column.ephemeral) notes.push('ephemeral (not persisted)');
  if (!column.mutable) notes.push('immutable after insert');
  return notes.length === 0 ? undefined : `${notes.join('; ')}.`;
}

function baseDoc(base: BaseType): string | undefined {
  const notes: string[] = [];
  if (base.refTable !== undefined) notes.push(`references ${base.refTable} (${base.refType ?? 'strong'})`);
  if (base.minInteger !== undefined || base.maxInteger !== undefined) notes.push(`integer ${range(base.minInteger, base.maxInteger)}`);
  if (base.minReal !== undefined || base.maxReal !== undefined) notes.push(`real ${range(base.minReal, base.maxReal)}`);
  if (base.minLength !== undefined || base.maxLength !== undefined) {
    notes.push(`${range(base.minLength, base.maxLength)} characters`);
  }
  return notes.length === 0 ? undefined : notes.join(', ');
}

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${min} to ${max}`;
  return min !== undefined ? `>= ${min}` : `<= ${String(max)}`;
}

function columnTs(type: ColumnType): string {
  const key = atomTs(type.key);
  switch (columnShape(type)) {
    case 'scalar':
      return key;
    case 'optional':
      return `${key} | undefined`;
    case 'set':
      return type.key.enum !== undefined && type.key.enum.length > 1 ? `(${key})[]` : `${key}[]`;
    case 'map': {
      const value = atomTs(type.value as BaseType);
      if (type.key.type !== 'string') return `Map<${key}, ${value}>`;
      return type.key.enum === undefined ? `Record<string, ${value}>` : `Partial<Record<${key}, ${value}>>`;
    }
  }
}

function atomTs(base: BaseType): string {
  if (base.enum !== undefined) return base.enum.map((e) => (typeof e === 'string' ? quote(e) : String(e))).join(' | ');
  switch (base.type) {
    case 'integer':
    case 'real':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'uuid':
      return 'Uuid';
  }
}

function rowInterfaceNames(schema: DatabaseSchema): Map<string, string> {
  const names = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const table of schema.tables.keys()) {
    const name = `${pascalCase(table)}Row`;
    const clash = owners.get(name);
    if (clash !== undefined) throw new Error(`tables ${clash} and ${table} would both generate ${name}`);
    owners.set(name, table);
    names.set(table, name);
  }
  return names;
}

// Logical_Router_Port -> LogicalRouterPort; NB_Global -> NBGlobal (acronyms kept as OVN writes them).
function pascalCase(name: string): string {
  return name
    .split('_')
    .filter((p) => p !== '')
    .map((p) => (p[0] as string).toUpperCase() + p.slice(1))
    .join('');
}

// OVN_Northbound -> ovnNorthbound; OVN_IC_Northbound -> ovnICNorthbound.
function camelCase(name: string): string {
  const [first = '', ...rest] = name.split('_').filter((p) => p !== '');
  return first.toLowerCase() + pascalCase(rest.join('_'));
}

function propertyName(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name);
}

function quote(text: string): string {
  const json = JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${json}'`;
}

// A TypeScript literal of a JSON value: inline when it fits a line, otherwise one member per line.
function literal(value: unknown, indent: string): string {
  const inline = inlineLiteral(value);
  if (inline !== undefined && indent.length + inline.length <= INLINE_WIDTH) return inline;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => `${inner}${literal(v, inner)},\n`).join('')}${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).map(([k, v]) => `${inner}${propertyName(k)}: ${literal(v, inner)},\n`);
    return `{\n${members.join('')}${indent}}`;
  }
  return scalarLiteral(value);
}

function inlineLiteral(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    const parts = value.map(inlineLiteral);
    return parts.includes(undefined) ? undefined : `[${parts.join(', ')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const parts = entries.map(([k, v]) => {
      const inner = inlineLiteral(v);
      return inner === undefined ? undefined : `${propertyName(k)}: ${inner}`;
    });
    return parts.includes(undefined) ? undefined : `{ ${parts.join(', ')} }`;
  }
  return scalarLiteral(value);
}

function scalarLiteral(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  throw new Error(`not a JSON value: ${typeof value}`);
}
