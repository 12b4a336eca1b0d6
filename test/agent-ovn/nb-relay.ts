// A unix-socket relay in front of the NB that steps in at the moment a client sends a `transact`,
// before the server sees it. Cutting drops the connection there: to the client the transaction's
// outcome is unknown every time, which is what an NB failover in the wrong moment looks like.
// Holding keeps the transaction (and everything the client sends after it, so order is kept)
// until released: whatever another client commits meanwhile lands between the client's plan and
// its commit, which is how two writers meet without leaving it to the scheduler.
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import { testRun } from '../../testbed/test-run.js';

export interface TransactHold {
  /** Resolves once a transaction is held. */
  readonly held: Promise<void>;
  /** Sends what was held, in order, and relays as before. */
  release(): void;
}

export interface NbRelay {
  /** `unix:PATH` for the client's config. */
  readonly remote: string;
  cutting: boolean;
  /** Transactions dropped so far. */
  readonly cut: number;
  /** Holds the next transaction any client sends. */
  holdNextTransact(): TransactHold;
  close(): Promise<void>;
}

interface Hold {
  armed: boolean;
  queued: { upstream: Socket; chunk: Buffer }[] | undefined;
  onHeld: () => void;
}

export async function startNbRelay(nbUnixRemote: string): Promise<NbRelay> {
  const target = nbUnixRemote.replace(/^unix:/, '');
  const path = join(testRun.tempDir('nb-relay'), 'nb.sock');
  const sockets = new Set<Socket>();
  const state = { cutting: false, cut: 0 };
  let hold: Hold | undefined;
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
      const isTransact = chunk.includes('"transact"');
      if (state.cutting && isTransact) {
        state.cut += 1;
        drop();
        return;
      }
      if (hold?.armed === true && isTransact) {
        hold.armed = false;
        hold.queued = [];
        hold.onHeld();
      }
      if (hold?.queued !== undefined) {
        hold.queued.push({ upstream, chunk });
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
    holdNextTransact() {
      let onHeld = (): void => {};
      const held = new Promise<void>((resolve) => {
        onHeld = resolve;
      });
      const h: Hold = { armed: true, queued: undefined, onHeld };
      hold = h;
      return {
        held,
        release() {
          const queued = h.queued ?? [];
          if (hold === h) hold = undefined;
          for (const { upstream, chunk } of queued) if (!upstream.destroyed) upstream.write(chunk);
        },
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
