// A client of hvnetd's socket API that keeps its connection and pipelines requests on it, as a
// program that integrates hvnet (a controller, an orchestrator's agent) would: the socket speaks
// newline-delimited JSON-RPC 2.0 and answers requests by id, so one connection carries many
// requests at once. The CLI's DaemonClient opens one connection per call, which is right for a
// shell command and is what the benchmarks measure as "one connection per call".
import net from 'node:net';
import type { TSchema } from '@sinclair/typebox';
import type { MethodSpec, ParamsOf, ResultOf } from '../../agent/api/methods.js';
import { HvnetError, fromRpcError } from '../../agent/api/errors.js';

interface Waiter {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export class PipelinedClient {
  private readonly waiters = new Map<number, Waiter>();
  private nextId = 1;
  private buffer = '';
  private closedWith: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new HvnetError('HVNET_DAEMON_PROTOCOL', 'hvnetd closed the connection')));
  }

  static connect(path: string): Promise<PipelinedClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(path);
      s.once('error', reject);
      s.once('connect', () => {
        s.off('error', reject);
        resolve(new PipelinedClient(s));
      });
    });
  }

  call<M extends MethodSpec<TSchema, TSchema>>(spec: M, params: Omit<ParamsOf<M>, 'project'>): Promise<ResultOf<M>> {
    return this.raw(spec.name, params) as Promise<ResultOf<M>>;
  }

  raw(method: string, params: unknown): Promise<unknown> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiters.set(id, { resolve, reject });
      this.socket.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const reply = JSON.parse(line) as { id: number; result?: unknown; error?: unknown };
      const w = this.waiters.get(reply.id);
      if (!w) continue;
      this.waiters.delete(reply.id);
      if (reply.error !== undefined) w.reject(fromRpcError(reply.error));
      else w.resolve(reply.result);
    }
  }

  private fail(e: Error): void {
    this.closedWith ??= e;
    for (const w of this.waiters.values()) w.reject(e);
    this.waiters.clear();
  }
}
