// Checks a transaction against the schema before it is sent. ovsdb-server would refuse the same
// things, but only after a round trip and with a message that names neither our caller nor the
// allowed values; refusing here keeps a transaction with one bad value from being sent at all.
import { SchemaValidationError } from './errors.js';
import type { Condition, Mutation, Operation } from './operations.js';
import { CONDITION_FUNCTIONS, MUTATORS } from './operations.js';
import type { Atom, AtomicType, BaseType, ColumnSchema, ColumnType, DatabaseSchema, TableSchema } from './schema.js';
import { columnShape, implicitColumn, maxCount } from './schema.js';
import { describeAtomicType, describeBaseType, describeCount, describeRange, describeType, isId, isUuid, isUuidAtom, mapPairs, preview } from './values.js';
import type { ValueLocation } from './values.js';

const OPERATION_NAMES = ['insert', 'select', 'update', 'mutate', 'delete', 'wait', 'commit', 'abort', 'comment', 'assert'];
const LONE_SURROGATE = /\p{Cs}/u;
const INT64_LIMIT = 2 ** 63;

/** Throws the first problem of the transaction, positioned at its operation index. */
export function validateTransaction(schema: DatabaseSchema, operations: readonly Operation[]): void {
  operations.forEach((op, i) => validateOperation(schema, op, i));
}

export function validateOperation(schema: DatabaseSchema, operation: Operation, opIndex = 0): void {
  try {
    check(schema, operation);
  } catch (e) {
    if (e instanceof SchemaValidationError) throw e.atOperation(opIndex);
    throw e;
  }
}

export function lookupTable(schema: DatabaseSchema, name: unknown): TableSchema {
  const table = typeof name === 'string' ? schema.tables.get(name) : undefined;
  if (table === undefined) {
    throw new SchemaValidationError('unknown-table', `no table ${JSON.stringify(name)} in database ${schema.name}`, {
      table: typeof name === 'string' ? name : undefined,
      value: name,
      allowed: [...schema.tables.keys()].join(', '),
    });
  }
  return table;
}

function bad(reason: string, table?: string, allowed?: string): never {
  throw new SchemaValidationError('bad-operation', reason, { table, allowed });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function check(schema: DatabaseSchema, operation: unknown): void {
  if (!isRecord(operation)) bad('an operation must be an object');
  const op = operation.op;
  switch (op) {
    case 'insert': {
      const table = lookupTable(schema, operation.table);
      checkRow(table, columnsOf(table), operation.row, 'insert');
      const uuidName = operation['uuid-name'];
      if (uuidName !== undefined && (typeof uuidName !== 'string' || !isId(uuidName))) {
        bad(`uuid-name ${JSON.stringify(uuidName)} is not an identifier`, table.name, 'a letter or _ followed by letters, digits, _');
      }
      return;
    }
    case 'select': {
      const table = lookupTable(schema, operation.table);
      checkConditions(table, columnsOf(table), operation.where);
      if (operation.columns !== undefined) checkColumnList(table, operation.columns);
      return;
    }
    case 'update': {
      const table = lookupTable(schema, operation.table);
      const columns = columnsOf(table);
      checkConditions(table, columns, operation.where);
      checkRow(table, columns, operation.row, 'update');
      return;
    }
    case 'mutate': {
      const table = lookupTable(schema, operation.table);
      const columns = columnsOf(table);
      checkConditions(table, columns, operation.where);
      if (!Array.isArray(operation.mutations)) bad('mutations must be an array', table.name);
      for (const m of operation.mutations as unknown[]) checkMutation(table, columns, m);
      return;
    }
    case 'delete': {
      const table = lookupTable(schema, operation.table);
      checkConditions(table, columnsOf(table), operation.where);
      return;
    }
    case 'wait': {
      const table = lookupTable(schema, operation.table);
      const entries = columnsOf(table);
      checkConditions(table, entries, operation.where);
      const columns = checkColumnList(table, operation.columns);
      if (operation.until !== '==' && operation.until !== '!=') bad(`wait until ${JSON.stringify(operation.until)}`, table.name, '"==" or "!="');
      if (operation.timeout !== undefined && (!Number.isInteger(operation.timeout) || (operation.timeout as number) < 0)) {
        bad(`wait timeout ${JSON.stringify(operation.timeout)} is not a non-negative integer`, table.name, 'integer >= 0');
      }
      if (!Array.isArray(operation.rows)) bad('wait rows must be an array', table.name);
      for (const row of operation.rows as unknown[]) {
        if (!isRecord(row)) bad('a wait row must be an object', table.name);
        for (const [name, value] of Object.entries(row)) {
          if (!columns.includes(name)) bad(`wait row has column ${JSON.stringify(name)} not listed in "columns"`, table.name, columns.join(', '));
          const c = entry(table, entries, name);
          checkPlanned(c.plan, value, c.at, 'transient');
        }
      }
      return;
    }
    case 'commit':
      if (typeof operation.durable !== 'boolean') bad('commit needs "durable": true or false');
      return;
    case 'abort':
      return;
    case 'comment':
      if (typeof operation.comment !== 'string') bad('comment needs a "comment" string');
      return;
    case 'assert':
      if (typeof operation.lock !== 'string' || !isId(operation.lock)) bad(`lock ${JSON.stringify(operation.lock)} is not an identifier`);
      return;
    default:
      bad(`unknown operation ${JSON.stringify(op)}`, undefined, OPERATION_NAMES.join(', '));
  }
}

function checkRow(table: TableSchema, columns: ColumnEntries, row: unknown, purpose: 'insert' | 'update'): void {
  if (!isRecord(row)) bad(`${purpose} needs a "row" object`, table.name);
  for (const name in row) {
    if (!Object.hasOwn(row, name)) continue;
    const c = writableEntry(table, columns, name);
    if (purpose === 'update' && !c.column.mutable) {
      throw new SchemaValidationError('immutable', `${name} can only be set when the row is inserted`, { table: table.name, column: name });
    }
    checkPlanned(c.plan, row[name], c.at, 'strict');
  }
}

function checkColumnList(table: TableSchema, columns: unknown): string[] {
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) bad('"columns" must be an array of column names', table.name);
  for (const c of columns) lookupColumn(table, c);
  return columns;
}

function checkConditions(table: TableSchema, columns: ColumnEntries, conditions: unknown): void {
  if (!Array.isArray(conditions)) bad('"where" must be an array of conditions', table.name);
  for (const c of conditions as unknown[]) checkCondition(table, columns, c);
}

function checkCondition(table: TableSchema, columns: ColumnEntries, condition: unknown): void {
  if (!Array.isArray(condition) || condition.length !== 3 || typeof condition[0] !== 'string') {
    bad(`a condition must be [column, function, value], got ${JSON.stringify(condition)}`, table.name);
  }
  const name = condition[0];
  const fn = condition[1] as Condition[1];
  const c = entry(table, columns, name);
  const at = c.at;
  // The usual function first: the list is searched only for the others.
  if (fn !== '==' && !CONDITION_FUNCTIONS.includes(fn)) {
    throw new SchemaValidationError('bad-operation', `unknown condition function ${JSON.stringify(fn)}`, { ...at, allowed: CONDITION_FUNCTIONS.join(' ') });
  }
  const ordering = fn === '<' || fn === '<=' || fn === '>' || fn === '>=';
  const type = c.column.type;
  if (ordering && !(columnShape(type) === 'scalar' && (type.key.type === 'integer' || type.key.type === 'real'))) {
    throw new SchemaValidationError('bad-operation', `${fn} only compares integer or real scalar columns`, { ...at, allowed: '== != includes excludes' });
  }
  checkPlanned(c.plan, condition[2], at, 'transient');
}

function checkMutation(table: TableSchema, columns: ColumnEntries, mutation: unknown): void {
  if (!Array.isArray(mutation) || mutation.length !== 3 || typeof mutation[0] !== 'string') {
    bad(`a mutation must be [column, mutator, value], got ${JSON.stringify(mutation)}`, table.name);
  }
  const [name, mutator, value] = mutation as Mutation;
  const c = writableEntry(table, columns, name);
  const at = c.at;
  if (!c.column.mutable) throw new SchemaValidationError('immutable', `${name} can only be set when the row is inserted`, at);
  const type = c.column.type;
  const shape = columnShape(type);
  const refuse = (reason: string, allowed: string): never => {
    throw new SchemaValidationError('bad-operation', reason, { ...at, allowed });
  };
  switch (mutator) {
    case '+=':
    case '-=':
    case '*=':
    case '/=':
    case '%=': {
      const numeric = type.key.type === 'integer' || (type.key.type === 'real' && mutator !== '%=');
      if (shape === 'map' || !numeric) {
        refuse(`${mutator} needs an integer or real column (%= integer only)`, shape === 'map' ? 'insert delete' : mutatorsFor(type).join(' '));
      }
      // The operand is one atom of the column's key type, whatever the column's size.
      checkPlanned(c.operands().one, value, at, 'transient');
      if ((mutator === '/=' || mutator === '%=') && value === 0) {
        throw new SchemaValidationError('range', `${mutator} by zero`, { ...at, value, allowed: 'a non-zero divisor' });
      }
      return;
    }
    case 'insert':
    case 'delete': {
      if (shape === 'scalar') refuse(`${mutator} needs a set or map column, ${name} holds exactly one value`, mutatorsFor(type).join(' '));
      const mode: ValidationMode = mutator === 'insert' ? 'elements' : 'transient';
      // "delete" on a map takes either a map (pairs) or a set of keys.
      if (shape === 'map' && mutator === 'delete' && !(Array.isArray(value) && value[0] === 'map')) {
        checkPlanned(c.operands().keys, value, at, mode);
        return;
      }
      checkPlanned(c.operands().whole, value, at, mode);
      return;
    }
    default:
      refuse(`unknown mutator ${JSON.stringify(mutator)}`, MUTATORS.join(' '));
  }
}

// ------------------------------------------------------------------------------------------------
// What the checks need of a column and its type, made once per table and column name rather than
// read from the schema for every value: the schema's objects come in many shapes (a base type has
// only the constraints it declares), which made each of those reads a slow, generic one.

/** An atomic type as the checks read it: every one of the same shape. */
interface AtomPlan {
  base: BaseType;
  kind: AtomicType;
  /** Declares an enum, a range or a length: checked beyond the type (not in `transient` mode). */
  constrained: boolean;
}

/** A column type as the checks read it. */
interface TypePlan {
  type: ColumnType;
  key: AtomPlan;
  /** Maps only. */
  value: AtomPlan | undefined;
  min: number;
  max: number;
}

/** The operand types of a column's mutations. */
interface Operands {
  /** Arithmetic: one atom of the key type. */
  one: TypePlan;
  /** insert, and delete of pairs: any number of elements (or pairs). */
  whole: TypePlan;
  /** delete of keys from a map. */
  keys: TypePlan;
}

interface ColumnEntry {
  column: ColumnSchema;
  /** Where a failure is, for its error. */
  at: ValueLocation;
  /** `_uuid` or `_version`: read, never written. */
  implicit: boolean;
  plan: TypePlan;
  operands(): Operands;
}

type ColumnEntries = Map<string, ColumnEntry>;

function atomPlan(base: BaseType): AtomPlan {
  const constrained =
    base.enum !== undefined ||
    base.minInteger !== undefined ||
    base.maxInteger !== undefined ||
    base.minReal !== undefined ||
    base.maxReal !== undefined ||
    base.minLength !== undefined ||
    base.maxLength !== undefined;
  return { base, kind: base.type, constrained };
}

function makePlan(type: ColumnType): TypePlan {
  return { type, key: atomPlan(type.key), value: type.value === undefined ? undefined : atomPlan(type.value), min: type.min, max: maxCount(type) };
}

const plans = new WeakMap<ColumnType, TypePlan>();
function planOf(type: ColumnType): TypePlan {
  let p = plans.get(type);
  if (!p) plans.set(type, (p = makePlan(type)));
  return p;
}

const entriesByTable = new WeakMap<TableSchema, ColumnEntries>();

/** The column entries of a table, filled as its columns are named (only names the table has). */
function columnsOf(table: TableSchema): ColumnEntries {
  let m = entriesByTable.get(table);
  if (!m) entriesByTable.set(table, (m = new Map<string, ColumnEntry>()));
  return m;
}

/** The named column's entry, or lookupColumn's error. */
function entry(table: TableSchema, columns: ColumnEntries, name: string): ColumnEntry {
  const hit = columns.get(name);
  if (hit !== undefined) return hit;
  const column = lookupColumn(table, name);
  const type = column.type;
  let operands: Operands | undefined;
  const made: ColumnEntry = {
    column,
    at: { table: table.name, column: name },
    implicit: implicitColumn(name) !== undefined,
    plan: planOf(type),
    operands: () =>
      (operands ??= {
        one: makePlan({ key: type.key, min: 1, max: 1 }),
        whole: makePlan({ ...type, min: 0, max: 'unlimited' }),
        keys: makePlan({ key: type.key, min: 0, max: 'unlimited' }),
      }),
  };
  columns.set(name, made);
  return made;
}

/** Like entry, refusing `_uuid`/`_version` as writableColumn does. */
function writableEntry(table: TableSchema, columns: ColumnEntries, name: string): ColumnEntry {
  const c = entry(table, columns, name);
  if (c.implicit) writableColumn(table, name);
  return c;
}

function mutatorsFor(type: ColumnType): string[] {
  const shape = columnShape(type);
  const arithmetic = type.value === undefined && (type.key.type === 'integer' || type.key.type === 'real');
  const list = arithmetic ? (type.key.type === 'integer' ? ['+=', '-=', '*=', '/=', '%='] : ['+=', '-=', '*=', '/=']) : [];
  if (shape !== 'scalar') list.push('insert', 'delete');
  return list;
}

// ------------------------------------------------------------------------------------------------
// One value against its column type: for the operations above, and for encode.ts.

/**
 * strict: the value must satisfy every constraint (row contents of insert and update).
 * elements: every element must satisfy the constraints, any number of elements (the operand of a
 * mutate "insert": its elements end up in the column, the count is checked by the server on the result).
 * transient: types only, any number of elements (condition operands, "delete" operands, wait rows).
 */
export type ValidationMode = 'strict' | 'elements' | 'transient';

export function validateValue(type: ColumnType, value: unknown, at: ValueLocation, mode: ValidationMode = 'strict'): void {
  checkPlanned(planOf(type), value, at, mode);
}

function checkPlanned(plan: TypePlan, value: unknown, at: ValueLocation, mode: ValidationMode): void {
  // Runs for every value of every transaction: no closures or intermediate arrays unless it fails.
  const valuePlan = plan.value;
  if (valuePlan !== undefined) {
    const pairs = mapPairs(value);
    if (pairs === undefined) failValue(at, 'wrong-type', `expected ["map", [[key, value], ...]], got ${preview(value)}`, describeType(plan.type), value);
    const seen = pairs.length > 1 ? new Set<string>() : undefined;
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i] as unknown[];
      const k = pair[0];
      checkAtom(plan.key, k, at, mode, 'key ');
      checkAtom(valuePlan, pair[1], at, mode, 'value ');
      if (!seen) continue;
      const id = atomIdentity(k);
      if (seen.has(id)) failValue(at, 'duplicate', `duplicate map key ${preview(k)}`, 'distinct keys', k);
      seen.add(id);
    }
    if (mode === 'strict') checkCount(pairs.length, plan, at, value);
    return;
  }
  // A lone atom stands for a one-element set: checked as it is, without wrapping it in an array.
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || (plan.key.kind === 'uuid' && isUuidAtom(value))) {
    checkAtom(plan.key, value, at, mode, '');
    if (mode === 'strict') checkCount(1, plan, at, value);
    return;
  }
  // Otherwise only ["set", [atoms]] (a uuid atom alone was taken above).
  if (!Array.isArray(value) || value.length !== 2 || value[0] !== 'set' || !Array.isArray(value[1])) {
    failValue(at, 'wrong-type', `expected ${describeType(plan.type)}, got ${preview(value)}`, describeType(plan.type), value);
  }
  const atoms = value[1] as unknown[];
  const seen = atoms.length > 1 ? new Set<string>() : undefined;
  for (let i = 0; i < atoms.length; i++) {
    const atom = atoms[i];
    checkAtom(plan.key, atom, at, mode, '');
    if (!seen) continue;
    const id = atomIdentity(atom);
    if (seen.has(id)) failValue(at, 'duplicate', `duplicate set element ${preview(atom)}`, 'distinct elements', atom);
    seen.add(id);
  }
  if (mode === 'strict') checkCount(atoms.length, plan, at, value);
}

function failValue(at: ValueLocation, kind: SchemaValidationError['kind'], reason: string, allowed: string, value: unknown): never {
  throw new SchemaValidationError(kind, reason, { table: at.table, column: at.column, value, allowed });
}

function checkCount(n: number, plan: TypePlan, at: ValueLocation, value: unknown): void {
  if (n < plan.min || n > plan.max) {
    failValue(at, 'set-size', `${n} element${n === 1 ? '' : 's'} where ${describeCount(plan.type)} are allowed`, describeCount(plan.type), value);
  }
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

function checkAtom(plan: AtomPlan, atom: unknown, at: ValueLocation, mode: ValidationMode, role: string): void {
  const base = plan.base;
  switch (plan.kind) {
    case 'integer':
      if (typeof atom !== 'number' || !Number.isInteger(atom) || Math.abs(atom) > INT64_LIMIT) wrongAtomType(base, atom, at, role);
      break;
    case 'real':
      if (typeof atom !== 'number' || !Number.isFinite(atom)) wrongAtomType(base, atom, at, role);
      break;
    case 'boolean':
      if (typeof atom !== 'boolean') wrongAtomType(base, atom, at, role);
      break;
    case 'string':
      if (typeof atom !== 'string') wrongAtomType(base, atom, at, role);
      // The same test as a lone-surrogate scan, done by the engine without a regular expression.
      if (!isWellFormed(atom)) failAtom(at, role, atom, 'wrong-type', 'string is not valid Unicode (lone surrogate)', 'valid Unicode text');
      break;
    case 'uuid':
      if (!isUuidAtom(atom)) wrongAtomType(base, atom, at, role);
      else if (atom[0] === 'uuid' ? !isUuid(atom[1]) : !isId(atom[1])) wrongAtomType(base, atom, at, role);
      break;
  }
  if (mode === 'transient' || !plan.constrained) return;
  checkConstraints(base, atom as Atom, at, role);
}

function failAtom(at: ValueLocation, role: string, atom: unknown, kind: SchemaValidationError['kind'], reason: string, allowed: string): never {
  throw new SchemaValidationError(kind, `${role}${reason}`, { table: at.table, column: at.column, value: atom, allowed });
}

function wrongAtomType(base: BaseType, atom: unknown, at: ValueLocation, role: string): never {
  return failAtom(at, role, atom, 'wrong-type', `expected ${describeAtomicType(base)}, got ${preview(atom)}`, describeBaseType(base));
}

const nativeWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
function isWellFormed(text: string): boolean {
  return nativeWellFormed ? nativeWellFormed.call(text) : !LONE_SURROGATE.test(text);
}

/** enum, range and length: only for base types that declare one. */
function checkConstraints(base: BaseType, value: Atom, at: ValueLocation, role: string): void {
  const fail = (kind: SchemaValidationError['kind'], reason: string, allowed: string): never => failAtom(at, role, value, kind, reason, allowed);
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

// ovsdb-server counts characters, not bytes or UTF-16 units.
function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
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
