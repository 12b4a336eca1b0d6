// A unix-socket relay in front of the NB that, while `cutting` is on, drops the connection at the
// moment a client sends a `transact`, before the server sees it: to the client the transaction's
// outcome is unknown every time, which is what an NB failover in the wrong moment looks like.
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import { testRun } from '../../testbed/test-run.js';

export interface TransactCutter {
  /** `unix:PATH` for the client's config. */
  readonly remote: string;
  cutting: boolean;
  /** Transactions dropped so far. */
  readonly cut: number;
  close(): Promise<void>;
}

export async function startTransactCutter(nbUnixRemote: string): Promise<TransactCutter> {
  const target = nbUnixRemote.replace(/^unix:/, '');
  const path = join(testRun.tempDir('nb-cutter'), 'nb.sock');
  const sockets = new Set<Socket>();
  const state = { cutting: false, cut: 0 };
  const server: Server = createServer((client) => {
    const upstream = connect(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (state.cutting && chunk.includes('"transact"')) {
        state.cut += 1;
        drop();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', drop);
    upstream.on('close', drop);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return {
    remote: `unix:${path}`,
    get cutting() {
      return state.cutting;
    },
    set cutting(on: boolean) {
      state.cutting = on;
    },
    get cut() {
      return state.cut;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
