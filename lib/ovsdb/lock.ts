// OVSDB locks (RFC 7047 section 4.1.8): a named lock the server grants to one client at a time.
// A lock belongs to a connection, so after a reconnect it is requested again by the session's
// sync hook; meanwhile the holder is told it lost it. `assert` operations (operations.ts) make a
// transaction conditional on holding it.
import { EventEmitter } from 'node:events';
import type { RpcConnection } from './connection.js';
import type { OvsdbSession } from './session.js';

export type LockLoss = 'stolen' | 'disconnected' | 'released';

interface LockEvents {
  acquired: [];
  lost: [LockLoss];
}

export class OvsdbLock extends EventEmitter<LockEvents> {
  private wanted = false;
  private holding = false;

  constructor(
    private readonly session: OvsdbSession,
    readonly name: string,
  ) {
    super();
    // RFC 7047 lock names are <id>s; the server answers anything else with a bare "syntax error".
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new TypeError(`lock name ${JSON.stringify(name)} is not an OVSDB id (letters, digits, underscore; not starting with a digit)`);
    }
    session.addSyncHook(`lock ${name}`, (conn) => this.onConnection(conn));
    session.on('disconnected', () => this.setHeld(false, 'disconnected'));
    // The session forwards the live connection's notifications, also when this lock was made
    // after the connection came up (so the sync hook has not run for it).
    session.on('notification', (n) => {
      if (n.params[0] !== this.name) return;
      if (n.method === 'locked') this.setHeld(true);
      else if (n.method === 'stolen') this.setHeld(false, 'stolen');
    });
  }

  get held(): boolean {
    return this.holding;
  }

  /**
   * Asks for the lock, and keeps asking after reconnects until released. Resolves with whether it
   * is held now; if not, the `acquired` event says when it is granted.
   */
  async acquire(): Promise<boolean> {
    this.wanted = true;
    await this.session.ready();
    return this.request('lock');
  }

  /** Takes the lock from its holder at once (the holder is told `stolen`). */
  async steal(): Promise<boolean> {
    this.wanted = true;
    await this.session.ready();
    return this.request('steal');
  }

  /** Gives the lock back (or stops waiting for it). */
  async release(): Promise<void> {
    this.wanted = false;
    const wasHeld = this.holding;
    if (this.session.status === 'connected') await this.session.call('unlock', [this.name]);
    if (wasHeld) this.setHeld(false, 'released');
  }

  private async request(method: 'lock' | 'steal'): Promise<boolean> {
    const reply = await this.session.call(method, [this.name]);
    const locked = typeof reply === 'object' && reply !== null && (reply as { locked?: unknown }).locked === true;
    if (locked) this.setHeld(true);
    return locked;
  }

  private async onConnection(conn: RpcConnection): Promise<void> {
    if (!this.wanted) return;
    const reply = await conn.call('lock', [this.name]);
    if (typeof reply === 'object' && reply !== null && (reply as { locked?: unknown }).locked === true) this.setHeld(true);
  }

  private setHeld(held: boolean, why?: LockLoss): void {
    if (held === this.holding) return;
    this.holding = held;
    if (held) this.emit('acquired');
    else this.emit('lost', why ?? 'released');
  }
}
