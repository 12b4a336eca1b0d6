// The methods hvnetd serves. Each feature registers its specs (agent/api) with a handler; the
// registry checks params against the spec before the handler runs, so handlers only ever see
// well-typed input, and turns every failure into an HvnetError. A handler's context names its call
// (method, project, connection, id): a handler hands it on to the work that logs on its behalf (a
// failed NB transaction, a failed NIC change), so a log line written deep in a service says which
// request it belongs to. Passed by hand rather than by async context: an AsyncLocalStorage hooks
// every promise of the process, a few per cent of hvnetd's main thread under load.
import { Value } from '@sinclair/typebox/value';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { TSchema, Static } from '@sinclair/typebox';
import type { MethodSpec } from '../api/methods.js';
import { DEFAULT_PROJECT } from '../api/methods.js';
import { HvnetError, InvalidParamsError, MethodNotFoundError, asHvnetError } from '../api/errors.js';
import { NAME_RULE, nameProblem } from '../../lib/ovn/names.js';

export interface RequestContext {
  /** The project of the call (`default` when the caller named none). */
  project: string;
  /** Which socket connection the request came on (for logs). */
  connection: number;
  /** The JSON-RPC request's id (for logs: a client's own log names its requests by it). */
  id?: string | number | null;
}

/** The call a piece of work belongs to, for logs: what every handler gets as its context. */
export interface CallInfo extends RequestContext {
  method: string;
}

export type Handler<P extends TSchema, R extends TSchema> = (params: Static<P>, ctx: CallInfo) => Promise<Static<R>> | Static<R>;

interface Entry {
  spec: MethodSpec;
  handler: (params: unknown, ctx: CallInfo) => Promise<unknown>;
  /** The params check compiled on the method's first call (the same verdict as Value.Check, at a fraction of its cost per request). */
  check?: (params: unknown) => boolean;
}

/** The params check of a method: compiled once; a schema the compiler cannot take is checked as before. */
function compileCheck(schema: TSchema): (params: unknown) => boolean {
  try {
    const compiled = TypeCompiler.Compile(schema);
    return (params) => compiled.Check(params);
  } catch {
    return (params) => Value.Check(schema, params);
  }
}

export class MethodRegistry {
  private readonly entries = new Map<string, Entry>();

  register<P extends TSchema, R extends TSchema>(spec: MethodSpec<P, R>, handler: Handler<P, R>): void {
    if (this.entries.has(spec.name)) throw new Error(`method ${spec.name} registered twice`);
    this.entries.set(spec.name, {
      spec,
      handler: async (params, ctx) => handler(params, ctx),
    });
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  list(): { name: string; summary: string }[] {
    return [...this.entries.values()].map((e) => ({ name: e.spec.name, summary: e.spec.summary })).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Validates and runs one call; always rejects with an HvnetError. */
  async call(method: string, rawParams: unknown, connection: number, id?: string | number | null): Promise<unknown> {
    const entry = this.entries.get(method);
    if (!entry) throw new MethodNotFoundError(method, [...this.entries.keys()].sort());
    const params = rawParams === undefined ? {} : rawParams;
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new InvalidParamsError(method, ['params must be an object (named parameters)']);
    }
    entry.check ??= compileCheck(entry.spec.params);
    if (!entry.check(params)) {
      const problems = [...Value.Errors(entry.spec.params, params)].slice(0, 5).map((e) => `${e.path || '/'}: ${e.message}`);
      throw new InvalidParamsError(method, problems);
    }
    const project = (params as { project?: string }).project ?? DEFAULT_PROJECT;
    // The one project-name rule (lib/ovn/names.ts), for every method: a name `project create`
    // accepts is one that every `--project` reaches, and a bad one is refused the same way.
    const why = nameProblem(project);
    if (why !== undefined) {
      throw new HvnetError('HVNET_OVN_INVALID_NAME', `project: project name ${JSON.stringify(project)} ${why} (allowed: ${NAME_RULE})`, { field: 'project', value: project, allowed: NAME_RULE });
    }
    try {
      const rc: CallInfo = id === undefined ? { method, project, connection } : { method, project, connection, id };
      return await entry.handler(params, rc);
    } catch (e) {
      throw e instanceof HvnetError ? e : asHvnetError(e);
    }
  }
}
