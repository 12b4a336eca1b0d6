// Builders for RFC 7047 transaction operations (section 5.2). They return plain objects that are
// sent as they are: no classes, no hidden state, so a planned transaction can be printed (dry run),
// compared in tests and validated against the schema before anything is sent (validate.ts).
import { SchemaValidationError } from './errors.js';
import { isId } from './values.js';
import type { WireValue } from './values.js';

export type ConditionFunction = '<' | '<=' | '==' | '!=' | '>=' | '>' | 'includes' | 'excludes';
export type Condition = [column: string, fn: ConditionFunction, value: WireValue];

export type Mutator = '+=' | '-=' | '*=' | '/=' | '%=' | 'insert' | 'delete';
export type Mutation = [column: string, mutator: Mutator, value: WireValue];

/**
 * The row of an insert, update or wait. Partial because the typed builders give rows with optional
 * columns; a column present with the value undefined is refused by validate.ts, never sent.
 */
export type OperationRow = Readonly<Partial<Record<string, WireValue>>>;

export interface InsertOperation {
  op: 'insert';
  table: string;
  row: OperationRow;
  /** Lets later operations of the same transaction refer to the new row as ["named-uuid", name]. */
  'uuid-name'?: string;
}

export interface SelectOperation {
  op: 'select';
  table: string;
  where: Condition[];
  columns?: string[];
}

export interface UpdateOperation {
  op: 'update';
  table: string;
  where: Condition[];
  row: OperationRow;
}

export interface MutateOperation {
  op: 'mutate';
  table: string;
  where: Condition[];
  mutations: Mutation[];
}

export interface DeleteOperation {
  op: 'delete';
  table: string;
  where: Condition[];
}

export interface WaitOperation {
  op: 'wait';
  table: string;
  where: Condition[];
  columns: string[];
  until: '==' | '!=';
  rows: OperationRow[];
  /** Milliseconds; 0 = check once now. Absent = wait indefinitely. */
  timeout?: number;
}

export interface CommitOperation {
  op: 'commit';
  durable: boolean;
}

export interface AbortOperation {
  op: 'abort';
}

export interface CommentOperation {
  op: 'comment';
  comment: string;
}

export interface AssertOperation {
  op: 'assert';
  lock: string;
}

export type Operation =
  | InsertOperation
  | SelectOperation
  | UpdateOperation
  | MutateOperation
  | DeleteOperation
  | WaitOperation
  | CommitOperation
  | AbortOperation
  | CommentOperation
  | AssertOperation;

export type OperationName = Operation['op'];

export const CONDITION_FUNCTIONS: readonly ConditionFunction[] = ['<', '<=', '==', '!=', '>=', '>', 'includes', 'excludes'];
export const MUTATORS: readonly Mutator[] = ['+=', '-=', '*=', '/=', '%=', 'insert', 'delete'];

function badOperation(reason: string, allowed?: string, table?: string): never {
  throw new SchemaValidationError('bad-operation', reason, { table, allowed });
}

// where() and mutation() keep the column name and the value's type in their result, so that the
// typed builders (typed-operations.ts) can check them against the table's row type.
export function where<C extends string, V extends WireValue>(column: C, fn: ConditionFunction, value: V): [C, ConditionFunction, V] {
  if (!CONDITION_FUNCTIONS.includes(fn)) badOperation(`unknown condition function ${JSON.stringify(fn)}`, CONDITION_FUNCTIONS.join(' '));
  return [column, fn, value];
}

export function mutation<C extends string, M extends Mutator, V extends WireValue>(column: C, mutator: M, value: V): [C, M, V] {
  if (!MUTATORS.includes(mutator)) badOperation(`unknown mutator ${JSON.stringify(mutator)}`, MUTATORS.join(' '));
  return [column, mutator, value];
}

export function insert(table: string, row: OperationRow, uuidName?: string): InsertOperation {
  if (uuidName === undefined) return { op: 'insert', table, row };
  if (!isId(uuidName)) badOperation(`uuid-name ${JSON.stringify(uuidName)} is not an identifier`, 'a letter or _ followed by letters, digits, _', table);
  return { op: 'insert', table, row, 'uuid-name': uuidName };
}

/** `where` defaults to every row; `columns` defaults to all columns. */
export function select(table: string, conditions: Condition[] = [], columns?: string[]): SelectOperation {
  return columns === undefined ? { op: 'select', table, where: conditions } : { op: 'select', table, where: conditions, columns };
}

export function update(table: string, conditions: Condition[], row: OperationRow): UpdateOperation {
  return { op: 'update', table, where: conditions, row };
}

export function mutate(table: string, conditions: Condition[], mutations: Mutation[]): MutateOperation {
  return { op: 'mutate', table, where: conditions, mutations };
}

/** The `delete` operation (the name is reserved in JavaScript). */
export function deleteRows(table: string, conditions: Condition[]): DeleteOperation {
  return { op: 'delete', table, where: conditions };
}

export interface WaitOptions {
  where: Condition[];
  columns: string[];
  /** "==" (the default): wait until the selected rows equal `rows`; "!=": until they differ. */
  until?: '==' | '!=';
  rows: OperationRow[];
  /** Milliseconds; 0 makes the wait a guard that fails at once ("timed out") when it does not hold. */
  timeout?: number;
}

export function wait(table: string, options: WaitOptions): WaitOperation {
  const op: WaitOperation = {
    op: 'wait',
    table,
    where: options.where,
    columns: options.columns,
    until: options.until ?? '==',
    rows: options.rows,
  };
  if (op.until !== '==' && op.until !== '!=') badOperation(`wait until ${JSON.stringify(op.until)}`, '"==" or "!="', table);
  if (options.timeout !== undefined) {
    if (!Number.isInteger(options.timeout) || options.timeout < 0) {
      badOperation(`wait timeout ${options.timeout} is not a non-negative integer of milliseconds`, 'integer >= 0', table);
    }
    op.timeout = options.timeout;
  }
  return op;
}

export function commit(durable = false): CommitOperation {
  return { op: 'commit', durable };
}

export function abort(): AbortOperation {
  return { op: 'abort' };
}

/** Recorded in the database log; shows up in `ovsdb-tool show-log`, which helps when debugging. */
export function comment(text: string): CommentOperation {
  return { op: 'comment', comment: text };
}

/** The `assert` operation: the transaction fails with "not owner" unless this client holds the lock. */
export function assertLock(lock: string): AssertOperation {
  if (!isId(lock)) badOperation(`lock name ${JSON.stringify(lock)} is not an identifier`);
  return { op: 'assert', lock };
}
