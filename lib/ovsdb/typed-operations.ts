// The operation builders of operations.ts, seen through the row types of one database: the
// table is one of its tables, the row, conditions, mutations and column lists name that table's
// columns with values of their wire type. The functions are the same objects as the untyped
// ones, so the operations built are the same and cost the same.
import { deleteRows, insert, mutate, select, update, wait } from './operations.js';
import type { DeleteOperation, InsertOperation, MutateOperation, SelectOperation, UpdateOperation, WaitOperation } from './operations.js';
import type { ColumnName, ConditionOf, MutationOf, TableName, WaitRowOf, WireRowOf } from './row-types.js';
import type { TypedSchema } from './schema.js';

export interface TypedWaitOptions<Row> {
  where: ConditionOf<Row>[];
  columns: ColumnName<Row>[];
  /** "==" (the default): wait until the selected rows equal `rows`; "!=": until they differ. */
  until?: '==' | '!=';
  rows: WaitRowOf<Row>[];
  /** Milliseconds; 0 makes the wait a guard that fails at once ("timed out") when it does not hold. */
  timeout?: number;
}

// NoInfer: the table names the row type; the row must not widen the table to make itself fit.
export interface TypedOperations<Tables> {
  insert<T extends TableName<Tables>>(table: T, row: NoInfer<WireRowOf<Tables[T]>>, uuidName?: string): InsertOperation;
  /** `where` defaults to every row; `columns` defaults to all columns. */
  select<T extends TableName<Tables>>(table: T, conditions?: NoInfer<ConditionOf<Tables[T]>>[], columns?: NoInfer<ColumnName<Tables[T]>>[]): SelectOperation;
  update<T extends TableName<Tables>>(table: T, conditions: NoInfer<ConditionOf<Tables[T]>>[], row: NoInfer<WireRowOf<Tables[T]>>): UpdateOperation;
  mutate<T extends TableName<Tables>>(table: T, conditions: NoInfer<ConditionOf<Tables[T]>>[], mutations: NoInfer<MutationOf<Tables[T]>>[]): MutateOperation;
  deleteRows<T extends TableName<Tables>>(table: T, conditions: NoInfer<ConditionOf<Tables[T]>>[]): DeleteOperation;
  wait<T extends TableName<Tables>>(table: T, options: NoInfer<TypedWaitOptions<Tables[T]>>): WaitOperation;
}

/** The builders for the database of `schema`, typed by the row types generated with it (the schema only names them). */
export function opsFor<Tables extends object>(_schema: TypedSchema<Tables>): TypedOperations<Tables> {
  return { insert, select, update, mutate, deleteRows, wait };
}
