// The remote peering reconciler: makes the IC-NB and this AZ's NB match the remote peering
// declarations, one pass at a time (on NB and IC changes, and every second), by whichever hvnetd
// holds the NB reconcile lock. Each integration gets its own IC-NB and IC-SB clients.
//
// No transaction spans two databases, so the order is what keeps a crash harmless:
// - create: the declaration is written first (NB, by the API call); then a pass joins the transit
//   switch in the IC-NB (the switch, this AZ's allocation); then, once ovn-ic has made the switch
//   in this NB, it writes this side's NB rows. A crash between any two leaves a declaration whose
//   next step the next pass (of this hvnetd or another) takes; every step is idempotent (a plan
//   finds its own work done and sends nothing).
// - delete: the declaration goes first (NB, by the API call); a pass then removes this side's NB
//   rows (ports and learned routes, then the chassis group), and only once no NB row of the side
//   is left does it leave the switch in the IC-NB (the allocation, or the switch with its last
//   user). A crash in between leaves tagged rows without a declaration, or an allocation of this
//   AZ without rows and without a declaration: both are found and removed by the next pass.
//
// TEST ONLY: with HVNET_TEST_KILL_BETWEEN_IC_AND_NB=1 hvnetd kills itself (SIGKILL) right after an
// IC-NB write of a pass and before the NB write that follows it (docs/ovn-ic.md).
import { EventEmitter } from 'node:events';
import type { OvsdbClient } from '../../../../lib/ovsdb/client.js';
import { withRowTypes } from '../../../../lib/ovsdb/cache.js';
import type { Operation } from '../../../../lib/ovsdb/operations.js';
import { WaitTimedOutError } from '../../../../lib/ovsdb/errors.js';
import { ovnNorthboundSchema } from '../../../../lib/ovn/schema/ovn-nb.generated.js';
import type { NbView, Network } from '../../../../lib/ovn/state.js';
import { IcSbView, icNbCache, icNbClient, icSbClient } from '../../../../lib/ovn/remote/ic-databases.js';
import { readIntegrations, transitPattern } from '../../../../lib/ovn/remote/integration.js';
import type { Integration } from '../../../../lib/ovn/remote/integration.js';
import { REMOTE_NB_TABLES, hasRemoteTraces, sideRows, taggedSides } from '../../../../lib/ovn/remote/nb-rows.js';
import type { RemoteNbCache } from '../../../../lib/ovn/remote/nb-rows.js';
import { perPortFilter, planRouteOptions, routeCapability } from '../../../../lib/ovn/remote/route-options.js';
import type { RouteCapability } from '../../../../lib/ovn/remote/route-options.js';
import { planSideRemoveGroup, planSideRemovePorts, planSideRows } from '../../../../lib/ovn/remote/side-plan.js';
import { allocationKey, planTransitJoin, planTransitLeave, TS_KEYS } from '../../../../lib/ovn/remote/transit-plan.js';
import { renderTransitName } from '../../../../lib/ovn/remote/transit-name.js';
import { PROBE_NAME, planIcProbe, probeOf } from '../../../../lib/ovn/remote/ic-probe.js';
import { familiesOf, gatewayOf } from '../../../../lib/ovn/families.js';
import { learnedRoutes } from '../../../../lib/ovn/remote/declare-plan.js';
import { arrivalWarning } from '../../../../lib/ovn/remote/family-arrival.js';
import { gatewayWarning } from '../../../../lib/ovn/remote/gateway-binding.js';
import type { Logger } from '../../../logger.js';
import type { MonitorNeeds, NbConnection } from '../../ovn-nb.js';
import type { NetworksService } from '../networks/service.js';

export const KILL_BETWEEN_ENV = 'HVNET_TEST_KILL_BETWEEN_IC_AND_NB';
const PASS_INTERVAL_MS = 1_000;
const CLIENT = { inactivityProbeMs: 5_000, connectTimeoutMs: 2_000, backoff: { initialMs: 100, maxMs: 2_000 } };

interface IcLink {
  key: string;
  icnb: OvsdbClient | undefined;
  icsb: OvsdbClient | undefined;
}

interface Wanted {
  network: Network;
  peering: string;
  integration: Integration;
  ts: string;
}

/** The subnets a network has, whatever families it has. */
function subnetsOf(n: Network): string[] {
  return familiesOf(n).flatMap((f) => {
    const g = gatewayOf(n, f);
    return g ? [g.subnet] : [];
  });
}

export class RemotePeerings extends EventEmitter<{ warnings: [] }> {
  static readonly nbNeeds: MonitorNeeds = REMOTE_NB_TABLES;
  private readonly links = new Map<string, IcLink>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private closed = false;
  private capability: RouteCapability | undefined;
  /** When this hvnetd last put the ovn-ic probe switch (ic-probe.ts). */
  private probePutMs = 0;
  /** When the first learned route of a side appeared, by `project/network/peering` (family-arrival.ts). */
  private readonly firstArrived = new Map<string, number>();
  /** Since when a side's port has had no gateway chassis in the IC-SB, by `project/network/peering` (gateway-binding.ts). */
  private readonly unboundSince = new Map<string, number>();
  /** Why peerings are not served as they should be, by `project/network/peering`; cleared when fixed. */
  readonly warnings = new Map<string, string>();

  constructor(
    private readonly nb: NbConnection,
    private readonly networks: NetworksService,
    private readonly log: Logger,
  ) {
    super();
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), PASS_INTERVAL_MS);
    this.timer.unref();
    this.nb.cache.on('batch', () => this.kick());
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const l of this.links.values()) {
      l.icnb?.close();
      l.icsb?.close();
    }
    this.links.clear();
  }

  /** Runs a pass now, or right after the one running. */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.pass()
      .catch((e: unknown) => this.log.warn({ err: (e as Error).message }, 'remote peerings: pass failed; retried'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private link(i: Integration): IcLink {
    const key = JSON.stringify(i.config);
    let l = this.links.get(i.name);
    if (l && l.key === key) return l;
    l?.icnb?.close();
    l?.icsb?.close();
    const ssl =
      i.config['ovn.ca_cert'] && i.config['ovn.client_cert'] && i.config['ovn.client_key']
        ? { ssl: { caCertificate: i.config['ovn.ca_cert'], certificate: i.config['ovn.client_cert'], privateKey: i.config['ovn.client_key'] } }
        : {};
    const nbRemotes = i.config['ovn.northbound_connection'];
    const sbRemotes = i.config['ovn.southbound_connection'];
    l = {
      key,
      icnb: nbRemotes ? icNbClient({ remotes: nbRemotes, ...ssl, ...CLIENT }) : undefined,
      icsb: sbRemotes ? icSbClient({ remotes: sbRemotes, ...ssl, ...CLIENT }) : undefined,
    };
    l.icnb?.session.start();
    l.icsb?.session.start();
    l.icnb?.monitor?.cache.on('batch', () => this.kick());
    l.icsb?.monitor?.cache.on('batch', () => this.kick());
    this.links.set(i.name, l);
    return l;
  }

  private static synced(c: OvsdbClient | undefined): c is OvsdbClient {
    return c !== undefined && c.session.status === 'connected';
  }

  private async nbTransact(ops: Operation[]): Promise<boolean> {
    if (ops.length === 0) return false;
    try {
      await this.nb.transact(ops);
      return true;
    } catch (e) {
      if (e instanceof WaitTimedOutError) return false; // another writer: the next pass re-plans
      throw e;
    }
  }

  private async pass(): Promise<void> {
    if (!this.nb.connected || !this.networks.ovn.reconciling) return;
    const view: NbView = this.networks.ovn.view;
    const cache: RemoteNbCache = withRowTypes(this.nb.cache, ovnNorthboundSchema, REMOTE_NB_TABLES);
    const global = cache.table('NB_Global').values().next().value;
    const az = global?.name ?? '';
    this.capability ??= routeCapability((await this.nb.client.serverSchema()).version);
    const integrations = readIntegrations(view);
    // Nothing remote here at all (the common case): no pass over every network and port, which
    // would make each NB change cost as much as the whole NB.
    if (integrations.length === 0 && this.links.size === 0 && !hasRemoteTraces(cache)) {
      this.setWarnings(new Map());
      return;
    }
    for (const [name, l] of this.links) {
      if (integrations.some((i) => i.name === name)) continue;
      l.icnb?.close();
      l.icsb?.close();
      this.links.delete(name);
    }
    const wanted: Wanted[] = [];
    const warnings = new Map<string, string>();
    for (const n of view.networks()) {
      for (const d of n.declarations.values()) {
        if (d.type !== 'remote') continue;
        const i = integrations.find((x) => x.name === d.integration);
        if (!i) continue;
        try {
          wanted.push({ network: n, peering: d.name, integration: i, ts: renderTransitName(transitPattern(i), { integration: i.name, project: n.project, network: n.name }) });
        } catch (e) {
          warnings.set(`${n.project}/${n.name}/${d.name}`, (e as Error).message);
        }
      }
    }
    for (const i of integrations) this.link(i);
    if (az === '') {
      for (const w of wanted) warnings.set(`${w.network.project}/${w.network.name}/${w.peering}`, 'NB_Global.name is empty: ovn-ic needs this AZ to have a name');
      this.setWarnings(warnings);
      return;
    }
    // Create and converge, declaration by declaration: IC-NB first, then this NB.
    for (const w of wanted) {
      await this.step(`side ${w.ts}`, async () => {
        const ref = `${w.network.project}/${w.network.name}/${w.peering}`;
        const l = this.link(w.integration);
        if (!RemotePeerings.synced(l.icnb)) {
          warnings.set(ref, `the IC-NB of integration ${w.integration.name} (${w.integration.config['ovn.northbound_connection'] ?? 'no ovn.northbound_connection'}) is not reachable; traffic of a created peering goes on`);
          return;
        }
        if (!RemotePeerings.synced(l.icsb)) warnings.set(ref, `the IC-SB of integration ${w.integration.name} is not reachable; traffic of a created peering goes on`);
        const ic = icNbCache(l.icnb);
        const existing = ic.lookupOne('Transit_Switch', 'name', w.ts);
        const join = planTransitJoin({ name: w.ts, az, families: familiesOf(w.network), existing, all: [...ic.table('Transit_Switch').values()] });
        if (join.operations.length > 0) {
          try {
            await l.icnb.transact(join.operations);
          } catch (e) {
            if (!(e instanceof WaitTimedOutError)) throw e;
          }
          if (process.env[KILL_BETWEEN_ENV] === '1') {
            this.log.warn({ env: KILL_BETWEEN_ENV, ts: w.ts }, 'TEST HOOK: killing hvnetd between the IC-NB write and the NB write');
            process.kill(process.pid, 'SIGKILL');
          }
          return; // the NB rows on a later pass, from the IC-NB as the cache then holds it
        }
        const rows = sideRows(cache, w.network.router?._uuid, w.ts, az);
        const gateways = RemotePeerings.synced(l.icsb) ? IcSbView.of(l.icsb).gateways(az) : (rows.group?.chassis.map((c) => c.name) ?? []);
        const side = planSideRows({
          ts: w.ts,
          az,
          peering: w.peering,
          network: { id: w.network.id, routerUuid: w.network.router?._uuid ?? '' },
          allocation: join.allocation,
          subnet4: join.subnet4,
          subnet6: join.subnet6,
          gateways,
          ...(this.capability === 'per-port' ? { lrpOptions: perPortFilter(subnetsOf(w.network)) } : {}),
          rows,
        });
        if (side.waiting !== undefined && !warnings.has(ref)) warnings.set(ref, side.waiting);
        await this.nbTransact(side.operations);
        const learned = learnedRoutes(view, w.network, w.ts);
        if (learned.length === 0) this.firstArrived.delete(ref);
        else if (!this.firstArrived.has(ref)) this.firstArrived.set(ref, Date.now());
        const missing = arrivalWarning({ ts: w.ts, local: familiesOf(w.network), learned, firstArrivedMs: this.firstArrived.get(ref), nowMs: Date.now() });
        if (missing !== undefined && !warnings.has(ref)) warnings.set(ref, missing);
        const gateway = RemotePeerings.synced(l.icsb) ? IcSbView.of(l.icsb).portGateway(w.ts, az) : undefined;
        if (gateway !== '') this.unboundSince.delete(ref);
        else if (!this.unboundSince.has(ref)) this.unboundSince.set(ref, Date.now());
        const unbound = gatewayWarning({ ts: w.ts, az, gateway, gateways, unboundSinceMs: this.unboundSince.get(ref), nowMs: Date.now() });
        if (unbound !== undefined && !warnings.has(ref)) warnings.set(ref, unbound);
      });
    }
    for (const since of [this.firstArrived, this.unboundSince]) {
      for (const ref of since.keys()) if (!wanted.some((w) => `${w.network.project}/${w.network.name}/${w.peering}` === ref)) since.delete(ref);
    }
    // Sides whose declaration is gone: NB rows first (ports and learned routes, then the group).
    const live = new Set(wanted.map((w) => `${w.network.id}/${w.peering}/${w.ts}`));
    for (const t of taggedSides(cache)) {
      if (live.has(`${t.networkId}/${t.peering}/${t.ts}`)) continue;
      // One side that cannot be removed now must not hold up the others.
      await this.step(`remove side ${t.ts}`, async () => {
        const n = view.networkById(t.networkId);
        const rows = sideRows(cache, n?.router?._uuid, t.ts, az);
        const lrpNets = rows.lrp?.networks ?? [];
        const subnet4 = lrpNets.find((x) => x.includes('.')) ?? '0.0.0.0/32';
        const subnet6 = lrpNets.find((x) => x.includes(':')) ?? '';
        const v4 = subnet4.split('/')[0]?.split('.') ?? [];
        const ports = planSideRemovePorts({
          network: { id: t.networkId, routerUuid: n?.router?._uuid ?? '' },
          rows,
          subnet4: `${v4.slice(0, 3).join('.')}.${Number(v4[3]) & 0xf0}/28`,
          subnet6: subnet6 ? `${subnet6.split('/')[0]?.replace(/::[0-9a-f]+$/, '::')}/64` : '',
        });
        if (await this.nbTransact(ports)) return;
        if (!rows.lrp) await this.nbTransact(planSideRemoveGroup(rows));
      });
    }
    // Allocations of this AZ that no declaration wants and no NB row uses: leave the switch.
    for (const i of integrations) {
      const l = this.link(i);
      if (!RemotePeerings.synced(l.icnb)) continue;
      const ic = icNbCache(l.icnb);
      for (const t of ic.table('Transit_Switch').values()) {
        if (t.external_ids[allocationKey(az)] === undefined || t.external_ids[TS_KEYS.subnet4] === undefined) continue;
        if (wanted.some((w) => w.integration.name === i.name && w.ts === t.name)) continue;
        if (cache.lookupOne('Logical_Router_Port', 'name', t.name) || cache.lookup('HA_Chassis_Group', ['name'], [t.name]).length > 0) continue;
        try {
          await l.icnb.transact(planTransitLeave({ name: t.name, az, existing: t }));
        } catch (e) {
          if (!(e instanceof WaitTimedOutError)) throw e;
        }
      }
    }
    // Whether this AZ's ovn-ic processes: its probe switch goes when it does (ic-probe.ts).
    await this.step('ovn-ic probe', async () => {
      const row = cache.lookup('Logical_Switch', ['name'], [PROBE_NAME])[0];
      const probe = planIcProbe({ probe: row && probeOf(row), active: wanted.length > 0, nowMs: Date.now(), lastPutMs: this.probePutMs });
      if (probe.putAtMs !== undefined) this.probePutMs = probe.putAtMs;
      for (const w of wanted) {
        const ref = `${w.network.project}/${w.network.name}/${w.peering}`;
        if (probe.stalled !== undefined && !warnings.has(ref)) warnings.set(ref, probe.stalled);
      }
      await this.nbTransact(probe.operations);
    });
    // Route options for the whole AZ.
    if (global && this.capability) {
      const remoteNets = [...new Map(wanted.map((w) => [w.network.id, w.network])).values()];
      // A local peering puts on the router a static route to the peer's subnet and a port whose
      // /32 and /128 are connected routes: ovn-ic would advertise all of them.
      const block = remoteNets.flatMap((n) =>
        n.router ? [...view.peerRoutes(n.router).map((r) => r.row.ip_prefix), ...view.peerPorts(n.router).flatMap((p) => p.row.networks)] : [],
      );
      const own = remoteNets.flatMap(subnetsOf);
      const opts = planRouteOptions({ capability: this.capability, global, active: wanted.length > 0, block, own });
      for (const w of wanted) {
        const ref = `${w.network.project}/${w.network.name}/${w.peering}`;
        if (opts.contradictions.length > 0 && !warnings.has(ref)) warnings.set(ref, opts.contradictions.join('; '));
      }
      await this.nbTransact(opts.operations);
    }
    this.setWarnings(warnings);
  }

  /** A peering's document with the warning of its remote side, if any. */
  document<D extends object>(doc: D, p: { project: string; network: string; name: string }): D & { warning?: string } {
    if (this.warnings.size === 0) return doc;
    const warning = this.warnings.get(`${p.project}/${p.network}/${p.name}`);
    return warning === undefined ? doc : { ...doc, warning };
  }

  private async step(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.log.warn({ err: (e as Error).message, step: what }, 'remote peerings: a step failed; retried on the next pass');
    }
  }

  private setWarnings(next: Map<string, string>): void {
    const same = next.size === this.warnings.size && [...next].every(([k, v]) => this.warnings.get(k) === v);
    if (same) return;
    this.warnings.clear();
    for (const [k, v] of next) this.warnings.set(k, v);
    this.emit('warnings');
  }
}
