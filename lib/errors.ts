// What every library error says about itself: a stable code and the class of failure it is. A
// library declares its codes with their class in one table (defineErrorCodes) next to the error
// types that throw them, so a caller (the daemon's JSON-RPC layer, the CLI's exit codes) maps a
// class, not each library's list again, and a new code cannot be thrown without a class.

/**
 * invalid: the request itself is wrong (a name, a value, a combination) and will never succeed.
 * not-found: what the request names does not exist.
 * conflict: the state the request ran into forbids it (exists already, in use, not empty).
 * refused: the system below (libvirt, OVN, the guest) refused or failed the operation.
 * unavailable: a service needed is not reachable or did not answer in time; retrying may work.
 * outcome-unknown: a change may or may not have been applied; re-read before retrying.
 * internal: a bug, or a state nothing outside can fix.
 */
export const ERROR_CLASSES = ['invalid', 'not-found', 'conflict', 'refused', 'unavailable', 'outcome-unknown', 'internal'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** A library's codes with their class; `as const` keeps each code a literal type. */
export function defineErrorCodes<const T extends Record<string, ErrorClass>>(table: T): Readonly<T> {
  return Object.freeze(table);
}

/** The codes of a table made with defineErrorCodes. */
export type CodeOf<T extends Readonly<Record<string, ErrorClass>>> = keyof T & string;

/** An error that carries a code and its class, whatever library threw it. */
export interface ClassifiedError extends Error {
  readonly code: string;
  readonly errorClass: ErrorClass;
}

export function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'string' && (ERROR_CLASSES as readonly string[]).includes(value);
}

export function isClassifiedError(e: unknown): e is ClassifiedError {
  if (!(e instanceof Error)) return false;
  const { code, errorClass } = e as { code?: unknown; errorClass?: unknown };
  return typeof code === 'string' && isErrorClass(errorClass);
}

/** A context that can say what a refused value should have been. */
export interface AllowedContext {
  allowed?: string | undefined;
}

/**
 * The body of a library's error class: its code, the class its own table gives that code, and a
 * context for the caller to act on; the message ends with "(allowed: …)" when the context says what
 * would have been accepted, so a refusal always names its way out.
 */
export abstract class CodedError<Code extends string, Context extends AllowedContext> extends Error implements ClassifiedError {
  readonly code: Code;
  readonly errorClass: ErrorClass;
  readonly context: Context;

  protected constructor(table: Readonly<Record<Code, ErrorClass>>, code: Code, message: string, context: Context, options?: { cause?: unknown }) {
    const allowed = context.allowed === undefined ? '' : ` (allowed: ${context.allowed})`;
    super(`${message}${allowed}`, options);
    this.code = code;
    this.errorClass = table[code];
    this.context = context;
    this.name = new.target.name;
  }
}
