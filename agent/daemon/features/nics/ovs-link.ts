// hvnetd's session to the local Open_vSwitch database (lib/ovsdb, monitoring lib/ovs's tables):
// the integration bridge for NICs on OVN networks, and the OVS ports libvirt adds and removes for
// their taps. libvirt runs ovs-vsctl with libvirtd's own environment, which hvnetd cannot see, so
// before a live attach the socket is also checked by a fresh connection (`answers`): a session
// that is up says nothing about a path another process will use.
import { connect } from 'node:net';
import { OvsdbClient } from '../../../../lib/ovsdb/client.js';
import { withRowTypes } from '../../../../lib/ovsdb/cache.js';
import type { TableCache } from '../../../../lib/ovsdb/cache.js';
import { openVSwitchSchema } from '../../../../lib/ovs/schema/vswitch.generated.js';
import { OVS_TABLES, deletePortsOps, integrationBridge, portsWithIfaceId } from '../../../../lib/ovs/vswitch.js';
import type { OvsTables } from '../../../../lib/ovs/vswitch.js';
import type { OvsFacts } from '../../../../lib/nic/facts.js';
import type { Logger } from '../../../logger.js';

const ANSWER_TIMEOUT_MS = 1_000;

export class OvsLink {
  private readonly client: OvsdbClient;
  private up = false;

  constructor(
    readonly socket: string,
    private readonly log: Logger,
  ) {
    this.client = new OvsdbClient({
      schema: openVSwitchSchema,
      remotes: `unix:${socket}`,
      inactivityProbeMs: 5_000,
      connectTimeoutMs: 2_000,
      monitor: { tables: OVS_TABLES },
      backoff: { initialMs: 200, maxMs: 5_000 },
    });
    this.client.session.on('connected', () => {
      this.up = true;
      log.info({ socket }, 'Open vSwitch database connected');
    });
    this.client.session.on('disconnected', ({ reason }) => {
      this.up = false;
      log.warn({ socket, reason: reason.message }, 'Open vSwitch database connection lost');
    });
  }

  start(): void {
    this.client.session.start();
  }

  stop(): void {
    this.client.close();
  }

  private get cache(): TableCache<OvsTables> {
    return withRowTypes(this.client.cache, openVSwitchSchema, OVS_TABLES);
  }

  /** Whether the socket takes a connection now (what libvirt's ovs-vsctl will try). */
  answers(): Promise<boolean> {
    return new Promise((resolve) => {
      const s = connect(this.socket);
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        s.destroy();
        resolve(ok);
      };
      const timer = setTimeout(() => done(false), ANSWER_TIMEOUT_MS);
      s.once('connect', () => done(true));
      s.once('error', () => done(false));
    });
  }

  async facts(): Promise<OvsFacts> {
    const answers = await this.answers();
    if (!this.up) return { socket: this.socket, answers };
    return { socket: this.socket, answers, bridge: integrationBridge(this.cache) };
  }

  /** This host's chassis name for OVN (external_ids:system-id); undefined while the database is not connected. */
  systemId(): string | undefined {
    if (!this.up) return undefined;
    for (const root of this.cache.table('Open_vSwitch').values()) return root.external_ids['system-id'];
    return undefined;
  }

  /** The OVS ports whose interface carries iface-id = `port` (libvirt's plug of the NIC). */
  portsOf(port: string): string[] {
    return this.up ? portsWithIfaceId(this.cache, port) : [];
  }

  /**
   * Ports libvirt made (its Interface carries `vm-id`) whose tap no longer exists: a detach whose
   * del-port failed left them, and a new tap of the same name would be black-holed.
   */
  stalePorts(exists: (dev: string) => boolean): string[] {
    if (!this.up) return [];
    const out: string[] = [];
    for (const i of this.cache.table('Interface').values()) {
      if (i.external_ids['vm-id'] !== undefined && i.external_ids['iface-id'] !== undefined && !exists(i.name)) out.push(i.name);
    }
    return out;
  }

  /** Removes ports by name (`ovs-vsctl --if-exists del-port`); resolves when the database applied it. */
  async deletePorts(names: readonly string[]): Promise<void> {
    if (names.length === 0 || !this.up) return;
    const ops = deletePortsOps(this.cache, names);
    if (ops.length === 0) return;
    await this.client.transact(ops);
    this.log.warn({ ports: names }, 'stale Open vSwitch ports removed');
  }
}
