// The CLI's JSON-RPC client: one connection per call to hvnetd's Unix socket, one request line,
// one reply line. Socket failures become the errors an operator can act on (daemon not running,
// not in group hvnet) rather than errno names.
import type { TSchema } from '@sinclair/typebox';
import type { MethodSpec, ParamsOf, ResultOf } from '../api/methods.js';
import type { MethodRef } from './methods.js';
import { DaemonUnreachableError, HvnetError, SocketPermissionError, fromRpcError } from '../api/errors.js';

export const DEFAULT_SOCKET = '/run/hvnet/hvnet.sock';

export interface ClientOptions {
  socket: string;
  /** Sent with every call (the daemon's default project when absent). */
  project?: string;
  timeoutMs?: number;
}

let nextId = 1;

export class DaemonClient {
  constructor(private readonly options: ClientOptions) {}

  /** Calls a method given by its spec, or by name with the spec's type (the CLI: methods.ts). */
  async call<M extends MethodSpec<TSchema, TSchema>>(method: M | MethodRef<M>, params: Omit<ParamsOf<M>, 'project'>): Promise<ResultOf<M>> {
    const withProject = this.options.project === undefined ? params : { ...params, project: this.options.project };
    return (await this.raw(method.name, withProject)) as ResultOf<M>;
  }

  /** Sends one request; resolves with its result, rejects with an HvnetError. */
  async raw(method: string, params: unknown): Promise<unknown> {
    const { socket: path, timeoutMs = 60_000 } = this.options;
    const id = nextId++;
    // Loaded at the first call, not with the CLI: `hvnet version` and usage errors never connect.
    const { connect } = await import('node:net');
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      let buffer = '';
      let settled = false;
      const done = (fn: () => void, answered = false): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // Once answered, the connection is ended (FIN; hvnetd closes its side) and no longer keeps
        // the process alive, rather than destroyed: Node's destroy() of a socket reads
        // process.stderr, which would make the stderr stream (and load its modules) in every CLI
        // call.
        if (answered) {
          socket.end();
          socket.unref();
        } else {
          socket.destroy();
        }
        fn();
      };
      const timer = setTimeout(
        () => done(() => reject(new HvnetError('HVNET_TIMEOUT', `hvnetd did not answer ${method} within ${timeoutMs} ms`, { method, timeoutMs }))),
        timeoutMs,
      );
      socket.setEncoding('utf8');
      socket.on('connect', () => socket.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`));
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        const nl = buffer.indexOf('\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        done(() => {
          let reply: { result?: unknown; error?: unknown };
          try {
            reply = JSON.parse(line) as { result?: unknown; error?: unknown };
          } catch {
            reject(new HvnetError('HVNET_DAEMON_PROTOCOL', `hvnetd sent something that is not JSON: ${line.slice(0, 200)}`));
            return;
          }
          if (reply.error !== undefined) reject(fromRpcError(reply.error));
          else resolve(reply.result);
        }, true);
      });
      socket.on('end', () => done(() => reject(new HvnetError('HVNET_DAEMON_PROTOCOL', `hvnetd closed the connection without answering ${method}`))));
      socket.on('error', (e: NodeJS.ErrnoException) =>
        done(() => {
          if (e.code === 'EACCES' || e.code === 'EPERM') reject(new SocketPermissionError(path, { cause: e }));
          else if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') reject(new DaemonUnreachableError(path, e.code === 'ENOENT' ? 'no socket' : 'nothing listening', { cause: e }));
          else reject(new DaemonUnreachableError(path, e.message, { cause: e }));
        }),
      );
    });
  }
}
