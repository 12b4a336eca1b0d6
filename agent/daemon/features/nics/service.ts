// The NIC operations behind nic.attach / nic.detach / nic.list / nic.pool. Changes run one at a
// time (the MAC pool and the duplicate checks must see each other's result). lib/nic decides
// (checks, XML, steps, what undoes them) from the facts read here; this file does the reading, the
// MAC pool and the libvirt calls, so that everything that can be checked is checked before
// libvirt is called, and when libvirt refuses, what was done is undone: the live and persistent
// XML as before and the MAC back in the pool.
import { EventEmitter } from 'node:events';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceModify, ListDomainsFlags } from '../../../../lib/libvirt/constants.js';
import type { DomainInfo } from '../../../../lib/libvirt/connection.js';
import { LibvirtCallError, LibvirtDisconnectedError, LibvirtTimeoutError } from '../../../../lib/libvirt/errors.js';
import type { NormalizedInterfaceSpec } from '../../../../lib/domxml/types.js';
import type { NormalizedBridgeInterfaceSpec } from '../../../../lib/domxml/bridge-types.js';
import { MacPool } from '../../../../lib/macpool/pool.js';
import type { Duplicate } from '../../../../lib/macpool/pool.js';
import { openPool, savePool } from '../../../../lib/macpool/state.js';
import { parseMac, parseRange } from '../../../../lib/macpool/mac.js';
import { hvnetAlias } from '../../../../lib/nic/alias.js';
import { planDetach } from '../../../../lib/nic/kinds/macvtap.js';
import { namesBridgeNic, planBridgeDetach } from '../../../../lib/nic/kinds/bridge.js';
import type { HostFacts, LinkQuestions } from '../../../../lib/nic/facts.js';
import { rollbackAfter } from '../../../../lib/nic/plan.js';
import type { AttachPlan, AttachStep, BoundAttach, DetachPlan, DeviceStep } from '../../../../lib/nic/plan.js';
import { kindOfParams, kinds } from '../../../../lib/nic/registry.js';
import { planAttachVmPort, planDetachVmPort, vmPorts } from '../../../../lib/ovn/vm-ports.js';
import { addressingTouched, planNetworkAddressing } from '../../../../lib/ovn/network-addressing.js';
import { orphanCandidates, placementFromUp, placementOf } from './orphan-ports.js';
import type { Placement } from './orphan-ports.js';
import type { PortChassis } from '../../../../lib/ovn/port-binding-chassis.js';
import type { VmPort, VmPortInfo } from '../../../../lib/ovn/vm-ports.js';
import type { NetworksService } from '../networks/service.js';
import type { OvsLink } from './ovs-link.js';
import { sourceExists } from './host-links.js';
import { validateDetachRequest } from '../../../../lib/nic/request.js';
import type { DetachRequest, NicRequest } from '../../../../lib/nic/request.js';
import type { ParamsOf, ResultOf } from '../../../api/methods.js';
import type { NicRow, nicAttachMethod, nicDetachMethod, nicPoolMethod } from '../../../api/nics.js';
import type { HostEvent } from '../../../api/status.js';
import type { Logger } from '../../../logger.js';
import { NicError, toNicError } from './errors.js';
import { hostFacts } from './host-facts.js';
import { macvtapOn, upperLinksWithMac } from './host-links.js';
import { macsInUse, nicRows, readConfig, readDomain, readInventory, side } from './inventory.js';
import type { DomainView } from './inventory.js';
import { InventoryCache } from './inventory-cache.js';
import type { LibvirtLink } from './libvirt-link.js';

type AttachParams = ParamsOf<typeof nicAttachMethod>;
type AttachResult = ResultOf<typeof nicAttachMethod>;
type DetachParams = ParamsOf<typeof nicDetachMethod>;
type DetachResult = ResultOf<typeof nicDetachMethod>;
type PoolResult = ResultOf<typeof nicPoolMethod>;

/** A live attach that takes longer has wedged libvirtd (docs/libvirt.md#the-qbg-hang). */
const ATTACH_TIMEOUT_MS = 20_000;
const DEFAULT_RELEASE_MS = 10_000;
/** Short: the refresh also re-reads the domains events named, which an attach would otherwise wait for. */
const REFRESH_DEBOUNCE_MS = 50;
/** The safety net for changes libvirt emits no event for (another client's config-only attach). */
const REFRESH_PERIOD_MS = 30_000;

export const POOL_FILE = 'macpool.json';
/** The attaches whose outcome is unknown, so that an hvnetd restart does not hand their MACs out. */
export const UNKNOWN_FILE = 'nic-unknown-attaches.json';
/** Events kept for the host status (it shows at most 20 of every feature's, newest last). */
const MAX_EVENTS = 20;

/**
 * An attach whose answer was lost with the connection to libvirtd: QEMU may hold the NIC while
 * libvirt, restarted, may not know of it. Its MAC stays reserved until a check after the
 * reconnection says what exists.
 */
interface UnknownAttach {
  readonly domain: DomainInfo;
  readonly mac: string;
  readonly source: string;
  readonly live: boolean;
  readonly config: boolean;
  /** Macvtap links with the MAC found outside the domain's XML: kept reserved while they exist. */
  orphan?: string[];
}

export interface NicServiceEvents {
  /** The NIC rows, the pool's duplicates or the events changed (the host status must be recomputed). */
  changed: [];
  rebuilt: [Duplicate[]];
}

export class NicService extends EventEmitter<NicServiceEvents> {
  private pool: MacPool;
  private readonly poolFile: string;
  private readonly unknownFile: string;
  private chain: Promise<unknown> = Promise.resolve();
  private rows: NicRow[] = [];
  private rowsKey = '[]';
  /** The rows come from a read of every domain (until then they are empty for want of one, not of NICs). */
  private rowsRead = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private refreshing = false;
  private refreshAgain = false;
  private stopped = false;
  private readonly cache: InventoryCache;
  private readonly unknown = new Map<string, UnknownAttach>();
  private readonly eventList: HostEvent[] = [];
  private pruneTimer: NodeJS.Timeout | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  /** VM ports of this host whose domain lacks their NIC: since when (grace period). */
  private readonly orphanSince = new Map<string, number>();
  private portTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly link: LibvirtLink,
    stateDir: string,
    range: string,
    private readonly log: Logger,
    /** NICs on OVN networks: NB writes through the networks service, the local OVS database, this host's id. */
    private readonly vm?: {
      readonly networks: NetworksService;
      readonly ovs: OvsLink;
      readonly hostId: string;
      readonly orphanGraceMs?: number;
      /** Reads the ports' SB bindings (ovn.sb); absent without an SB, and the NB `up` flag stands in. */
      readonly bindings?: (ports: readonly string[]) => Promise<PortChassis>;
    },
  ) {
    super();
    this.poolFile = join(stateDir, POOL_FILE);
    this.unknownFile = join(stateDir, UNKNOWN_FILE);
    for (const u of readUnknown(this.unknownFile, log)) this.unknown.set(u.mac, u);
    try {
      this.pool = openPool(range, this.poolFile);
    } catch (e) {
      // The domains are the truth: an unreadable file only loses the cursor; the rebuild at connect restores the rest.
      log.error({ err: (e as Error).message, file: this.poolFile }, 'MAC pool state unreadable; starting from the domains alone');
      this.pool = new MacPool(parseRange(range));
    }
    this.cache = new InventoryCache(link);
    link.on('up', () => void this.rebuild('connect'));
    // Events of a broken connection are lost: nothing cached can be trusted after it.
    link.on('down', () => this.cache.invalidateAll());
    // The pool follows too, not only the rows: a NIC another client detached (virsh detach-device,
    // any libvirt client) frees its MAC now rather than at the next periodic re-read, and one
    // another client attached is never handed out.
    const changed = (e: { domain: { uuid: string } }): void => {
      this.cache.invalidate(e.domain.uuid);
      this.scheduleSync();
    };
    link.on('lifecycle', (e) => {
      changed(e);
      // An undefined domain's NICs are gone with it: so are their MACs' allocations.
      if (e.eventName === 'undefined') this.schedulePrune();
    });
    link.on('deviceRemoved', changed);
    link.on('deviceAdded', changed);
    // Also re-reads the pool: MACs of domains undefined while hvnetd missed the event are released.
    this.periodic = setInterval(() => void this.rebuild('reload'), REFRESH_PERIOD_MS);
    this.periodic.unref();
    if (vm !== undefined) {
      // Orphan ports are looked for at a tenth of the grace period (1–10 s), and networks made
      // before hvnet set DHCP and RAs get them, both from the cached domains.
      const every = Math.min(10_000, Math.max(1_000, (vm.orphanGraceMs ?? 60_000) / 10));
      this.portTimer = setInterval(() => void this.reconcilePorts(), every);
      this.portTimer.unref();
      // The networks whose rows changed, not all of them: at thousands of networks a pass over
      // every one after each change cost more than the change.
      vm.networks.ovn.view.cache.on('batch', (events) => {
        if (this.addressingDirty === 'all') return;
        for (const id of addressingTouched(events)) this.addressingDirty.add(id);
      });
    }
  }

  get nics(): readonly NicRow[] {
    return this.rows;
  }

  /** False from the start until the domains were first read from libvirt. */
  get inventoryLoaded(): boolean {
    return this.rowsRead;
  }

  get duplicates(): Duplicate[] {
    return this.pool.duplicates();
  }

  get duplicatesSeen(): number {
    return this.pool.duplicateCount;
  }

  get allocated(): number {
    return this.pool.list().length;
  }

  /** What the NIC service found on its own (the outcome of attaches libvirtd went away during), newest last. */
  get events(): readonly HostEvent[] {
    return this.eventList;
  }

  /** A new range (SIGHUP): the allocations stay (those NICs exist), the cursor restarts. */
  setRange(range: string): void {
    if (range === this.pool.rangeText) return;
    this.pool = new MacPool(parseRange(range), this.pool.list());
    this.save();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.refreshTimer);
    clearTimeout(this.pruneTimer);
    clearTimeout(this.syncTimer);
    clearInterval(this.periodic);
    clearInterval(this.portTimer);
  }

  /**
   * VM ports this host made whose NIC no domain of the host has (any more) are removed once they
   * have been so for the grace period and no other chassis binds them (orphan-ports.ts), and
   * reported; a port of an attach whose outcome is unknown
   * waits for that to be settled. Ports hvnet did not make are not VM ports (lib/ovn) and never
   * read here. Runs only while libvirt is connected: without the domains nothing can be judged.
   */
  /** Networks whose rows changed since the last addressing pass ('all' at start: networks made before hvnet did this; and after a failed pass). */
  private addressingDirty: Set<number> | 'all' = 'all';

  private reconcilePorts(): Promise<void> {
    const vm = this.vm;
    if (vm === undefined || this.stopped || this.link.state !== 'connected') return Promise.resolve();
    return this.serial(async () => {
      if (this.link.state !== 'connected') return;
      // Only the networks whose rows changed: on a quiet NB of thousands of networks this timer
      // then costs next to nothing, and after a change as much as the change.
      if (this.addressingDirty === 'all' || this.addressingDirty.size > 0) {
        const only = this.addressingDirty === 'all' ? undefined : this.addressingDirty;
        this.addressingDirty = new Set();
        try {
          const addressing = planNetworkAddressing(vm.networks.ovn.view, only);
          if (addressing.operations.length > 0) {
            const done = await vm.networks.applyPlanned((v) => planNetworkAddressing(v, only), {});
            if (done.length > 0) this.log.info({ changes: done }, 'DHCPv4 options and router advertisements added to networks made before');
          }
        } catch (e) {
          this.addressingDirty = 'all';
          throw e;
        }
      }
      const views = await this.cache.fresh();
      const pending = new Set(this.unknown.keys());
      const now = Date.now();
      const candidates = orphanCandidates(vmPorts(vm.networks.ovn.view), views, vm.hostId, pending);
      for (const k of [...this.orphanSince.keys()]) if (!candidates.some((c) => c.port === k)) this.orphanSince.delete(k);
      const expired = candidates.filter((c) => {
        const since = this.orphanSince.get(c.port) ?? now;
        this.orphanSince.set(c.port, since);
        return now - since >= (vm.orphanGraceMs ?? 60_000);
      });
      // Where each port lives is read only once its grace period is over: the SB is asked rarely.
      const placements = expired.length === 0 ? new Map<string, Placement>() : await this.placements(expired);
      for (const c of expired) {
        if (placements.get(c.port) !== 'here') {
          // Bound on another host (or not known now): looked at again after another grace period.
          this.orphanSince.delete(c.port);
          continue;
        }
        const d = await this.detachVmPort(c.port);
        this.orphanSince.delete(c.port);
        const stale = vm.ovs.portsOf(c.port);
        if (stale.length > 0) await vm.ovs.deletePorts(stale);
        this.event(
          'nic-orphan-port-removed',
          c.domain,
          `logical switch port ${c.port} (MAC ${c.mac}, ${d.freed.join(' ') || 'no addresses'}) of domain ${c.domain} removed: no domain of this host has its NIC`,
          { port: c.port, mac: c.mac, freed: d.freed },
        );
      }
    }).catch((e: unknown) => this.log.warn({ err: (e as Error).message }, 'VM port reconcile failed; retried'));
  }

  /** Where each port lives: from its SB binding against this host's chassis, or from the NB `up` flag without an SB. */
  private async placements(ports: readonly VmPort[]): Promise<Map<string, Placement>> {
    const vm = this.vm;
    if (vm?.bindings === undefined) return new Map(ports.map((p) => [p.port, placementFromUp(p)]));
    try {
      const bound = await vm.bindings(ports.map((p) => p.port));
      const local = vm.ovs.systemId();
      return new Map(ports.map((p) => [p.port, placementOf(bound.get(p.port), local)]));
    } catch (e) {
      this.log.warn({ err: (e as Error).message, ports: ports.map((p) => p.port) }, 'the SB could not be read: orphan VM ports are kept until it can');
      return new Map(ports.map((p) => [p.port, 'unknown']));
    }
  }

  /** hvnet's allocations inside the range apart from every other MAC the domains carry. */
  poolStatus(): PoolResult {
    const { start, end } = this.pool.range;
    const allocations: PoolResult['allocations'] = [];
    const foreign: PoolResult['foreign'] = [];
    for (const a of this.pool.list()) {
      const v = parseMac(a.mac);
      const inRange = v >= start && v <= end;
      const pending = this.unknown.has(a.mac);
      const hvnets = pending || a.alias === hvnetAlias(a.mac);
      if (hvnets && inRange) allocations.push(pending ? { ...a, pending } : a);
      else foreign.push({ ...a, reason: hvnets ? 'outside-range' : 'not-hvnet' });
    }
    return { range: this.pool.rangeText, allocations, foreign, duplicates: this.pool.duplicates(), duplicatesSeen: this.pool.duplicateCount };
  }

  // --- operations ------------------------------------------------------------------------------

  /** `request`: the API call served, named in the log line of a failure. */
  attach(p: AttachParams, request?: object): Promise<AttachResult> {
    let req: NicRequest;
    try {
      // Checked before anything else: a bad spec never waits behind other work.
      req = this.validate(p);
    } catch (e) {
      throw this.failed('attach', p.domain, e, request);
    }
    return this.serial(() => this.doAttach(req)).catch((e: unknown) => {
      throw this.failed('attach', p.domain, toNicError(e, `nic.attach to ${p.domain}`), request);
    });
  }

  detach(p: DetachParams, request?: object): Promise<DetachResult> {
    return this.serial(() => this.doDetach(p)).catch((e: unknown) => {
      throw this.failed('detach', p.domain, toNicError(e, `nic.detach from ${p.domain}`), request);
    });
  }

  list(domain?: string): Promise<NicRow[]> {
    // Said at once: a call would wait for the reconnection (lib/libvirt's bound) before failing.
    if (this.link.state !== 'connected') {
      return Promise.reject(
        new NicError('libvirt-unavailable', `nic.list: libvirt (${this.link.uri}) is not connected: ${this.link.message ?? 'disconnected'}`, { uri: this.link.uri }),
      );
    }
    return this.doList(domain).catch((e: unknown) => {
      throw toNicError(e, 'nic.list');
    });
  }

  /** One warning per failed change, naming the API request and the cause below the NIC error. */
  private failed(op: 'attach' | 'detach', domain: string, e: unknown, request: object | undefined): unknown {
    const err = e instanceof Error ? e : new Error(String(e));
    const code = (err as { code?: unknown }).code;
    const cause = err.cause instanceof Error ? err.cause.message : undefined;
    this.log.warn({ request: request ?? null, domain, code, err: err.message, ...(cause === undefined ? {} : { cause }) }, `NIC ${op} failed`);
    return e;
  }

  private async doList(domain?: string): Promise<NicRow[]> {
    let views: DomainView[];
    if (domain === undefined) {
      views = await readInventory(this.link);
      this.setRows(this.decorate(nicRows(views)));
    } else {
      const info = await this.lookup(domain);
      const persistent = await this.isPersistent(info);
      const v = await readDomain(this.link, info, persistent);
      if (v === undefined) throw new NicError('domain-not-found', `no domain named ${domain}`, { domain });
      views = [v];
    }
    return this.decorate(nicRows(views));
  }

  /** Bridge NICs whose interfaceid is a VM port hvnet made: kind network, with the network and addresses. */
  private decorate(rows: NicRow[]): NicRow[] {
    if (this.vm === undefined || !rows.some((r) => r.virtualport?.startsWith('openvswitch interfaceid=') === true)) return rows;
    const view = this.vm.networks.ovn.view;
    const ports = new Map(vmPorts(view).map((p) => [p.port, p]));
    return rows.map((r) => {
      const id = /^openvswitch interfaceid=(\S+)$/.exec(r.virtualport ?? '')?.[1];
      const p = id === undefined ? undefined : ports.get(id);
      if (p === undefined) return r;
      const n = p.networkId === undefined ? undefined : view.networkById(p.networkId);
      return { ...r, kind: 'network', network: n === undefined ? `id ${p.networkId ?? '?'}` : `${n.project}/${n.name}`, addresses: p.addresses };
    });
  }

  // --- attach ----------------------------------------------------------------------------------

  private validate(p: AttachParams): NicRequest {
    try {
      const kind = kindOfParams(p);
      if (kind === 'network') return kinds.network.validate({ kind, ...p });
      // The project only scopes a network's name; the other kinds have none.
      const { project: _project, ...rest } = p;
      return kind === 'bridge' ? kinds.bridge.validate({ kind, ...rest }) : kinds.macvtap.validate({ kind, ...rest });
    } catch (e) {
      throw toNicError(e, 'nic.attach');
    }
  }

  /** lib/nic plans once from the facts read here; this applies the plan's steps and, on a failure, its rollback. */
  private async doAttach(req: NicRequest): Promise<AttachResult> {
    // The cache: kept fresh by libvirt's events; a domain an event named is read again first.
    const views = await this.cache.fresh();
    const view = views.find((v) => v.info.name === req.domain);
    if (view === undefined) throw new NicError('domain-not-found', `no domain named ${req.domain}`, { domain: req.domain });
    const dom = view.info;
    const questions = questionsOf(req);
    let facts = await hostFacts(views, view, questions);
    if (questions.ovs === true) facts = { ...facts, ovs: await this.vm?.ovs.facts() };
    let plan: AttachPlan<NicRequest>;
    try {
      plan = planOf(req, facts);
    } catch (e) {
      throw toNicError(e, 'nic.attach');
    }
    if (req.dryRun) return this.dryRun(req, plan, facts.macHolders);
    const mac = this.reserveMac(plan, facts.macHolders);
    let bound: AnyBound;
    try {
      bound = bindOf(plan, mac);
    } catch (e) {
      this.pool.release(mac);
      throw toNicError(e, 'nic.attach');
    }
    const { spec, alias, xml } = bound;
    const { live, config } = plan;
    const result: AttachResult = { domain: req.domain, ...describe(req, spec), mac, alias, model: spec.model, live, config, dryRun: req.dryRun, xml, warnings: [...plan.warnings] };
    this.save(); // before libvirt: a crash in between must not hand the MAC out twice
    let port: VmPortInfo | undefined;
    if (req.kind === 'network') {
      try {
        port = await this.attachVmPort(req, mac, live);
      } catch (e) {
        this.pool.release(mac);
        this.save();
        throw e;
      }
      Object.assign(result, portFields(port));
    }

    try {
      for (const step of bound.steps) {
        try {
          await this.applyStep(dom, step);
        } catch (e) {
          if (e instanceof LibvirtDisconnectedError && e.sent) throw this.outcomeUnknown(e, dom, bound, step, live, config);
          const err = await this.rollback(e, dom, bound, step);
          if (port !== undefined) await this.detachVmPort(port.port).catch((r: unknown) => this.log.error({ port: port?.port, err: (r as Error).message }, 'attach failed and its logical switch port could not be removed'));
          throw err;
        }
      }
    } finally {
      // A config-only change emits no event: the next use reads this domain again in any case.
      this.cache.invalidate(dom.uuid);
    }
    if (live) {
      // The host's macvtap from sysfs, else (a source that is no netdev, an unusual setup) from the live XML.
      let target = 'source' in spec ? macvtapOn(spec.source, mac) : undefined;
      if (target === undefined) {
        const after = await this.link.call('getXMLDesc', (c) => c.getDomainXml(dom, 0)).catch(() => undefined);
        const sides = after === undefined ? undefined : side(after);
        target = [...(sides?.direct ?? []), ...(sides?.bridges ?? [])].find((i) => i.mac === mac)?.targetDev;
      }
      if (target !== undefined) result.target = target;
    }
    this.log.info({ domain: req.domain, mac, ...describe(req, spec), live, config, target: result.target }, 'NIC attached');
    this.scheduleRefresh();
    return result;
  }

  /**
   * What the attach would do, changing nothing: with the MAC it would take (the client's, or the
   * pool's next free one, the same on every dry run until an attach takes it).
   */
  private dryRun(req: NicRequest, plan: AttachPlan<NicRequest>, holders: ReadonlyMap<string, string>): AttachResult {
    let mac: string;
    if (plan.mac.from === 'request') {
      mac = plan.mac.mac;
      const held = this.pool.holderOf(mac);
      if (held !== undefined) throw new NicError('duplicate-mac', `MAC ${mac} is already used by domain ${held.domain}; ${req.domain} cannot have it too`, { mac, heldBy: held.domain });
    } else {
      const next = this.pool.peek((m) => holders.has(m));
      if (next === undefined) throw new NicError('mac-pool-exhausted', `no free MAC found in ${this.pool.rangeText}`, { range: this.pool.rangeText });
      mac = next;
    }
    let bound: AnyBound;
    try {
      bound = bindOf(plan, mac);
    } catch (e) {
      throw toNicError(e, 'nic.attach');
    }
    const { spec, alias, xml } = bound;
    const extra: Partial<AttachResult> = {};
    if (req.kind === 'network') {
      const nb = this.vmNb();
      let p;
      try {
        p = planAttachVmPort(nb.ovn.view, this.portRequest(req, mac));
      } catch (e) {
        throw nb.failure(e);
      }
      Object.assign(extra, portFields(p.result), { nbOperations: p.operations });
    }
    return { domain: req.domain, ...describe(req, spec), ...extra, mac, alias, model: spec.model, live: plan.live, config: plan.config, dryRun: true, xml, warnings: [...plan.warnings] };
  }

  /**
   * libvirtd went away after a step was sent: QEMU may have the NIC (and a macvtap with its MAC
   * exist) while a restarted libvirtd does not know of it. Nothing is undone (undoing needs libvirt
   * too, and a guess could detach what is really there); the MAC stays reserved and the next
   * rebuild after the reconnection checks what exists (resolveUnknown).
   */
  private outcomeUnknown(e: LibvirtDisconnectedError, dom: DomainInfo, bound: AnyBound, step: AttachStep, live: boolean, config: boolean): NicError {
    const { mac } = bound;
    this.unknown.set(mac, { domain: dom, mac, source: deviceOf(bound.spec), live, config });
    this.save();
    // Reconnected already: check now (the rebuild waits for this attach to finish: serial).
    if (this.link.state === 'connected') void this.rebuild('reload');
    return new NicError(
      'outcome-unknown',
      `nic.attach to ${dom.name}: libvirtd went away after the ${step.scope === 'live' ? 'live' : 'persistent'} attach was sent (${e.message}): ` +
        `the NIC may or may not exist now. MAC ${mac} stays reserved; once libvirt is back hvnetd checks the domain's XML and the host's ` +
        `macvtap links for it and reports what it found in 'hvnet status' (events) and its log. Look with 'hvnet nic list ${dom.name}' before retrying`,
      { domain: dom.name, mac, step: step.scope },
      { cause: e },
    );
  }

  /** The plan's MAC claimed in the pool, or the pool's next one no NIC of the host has. */
  private reserveMac(plan: AttachPlan<NicRequest>, holders: ReadonlyMap<string, string>): string {
    const domain = plan.request.domain;
    try {
      return plan.mac.from === 'request' ? this.pool.claim(plan.mac.mac, domain, hvnetAlias(plan.mac.mac)).mac : this.allocateFree(domain, holders);
    } catch (e) {
      throw toNicError(e, 'nic.attach');
    }
  }

  private allocateFree(domain: string, holders: ReadonlyMap<string, string>): string {
    for (let i = 0; i < 4096; i++) {
      const a = this.pool.allocate(domain, hvnetAlias);
      const held = holders.get(a.mac);
      if (held === undefined) return a.mac;
      // A NIC made behind hvnet's back since the last rebuild: record its real holder, try the next.
      this.pool.release(a.mac);
      this.pool.claim(a.mac, held);
    }
    throw new NicError('mac-pool-exhausted', `no free MAC found in ${this.pool.rangeText}`, { range: this.pool.rangeText });
  }

  private async applyStep(dom: DomainInfo, step: DeviceStep): Promise<void> {
    const flags = step.scope === 'live' ? DeviceModify.LIVE : DeviceModify.CONFIG;
    if (step.op === 'attach') {
      const options = step.scope === 'live' ? { timeoutMs: ATTACH_TIMEOUT_MS } : undefined;
      await this.link.call('attachDevice', (c) => c.attachDevice(dom, step.xml, flags, options));
    } else if (step.scope === 'live') {
      await this.link.call('detachAndConfirm', (c) =>
        c.detachAndConfirm(dom, step.xml, { timeoutMs: DEFAULT_RELEASE_MS, ...(step.alias === undefined ? {} : { alias: step.alias }) }),
      );
    } else {
      await this.link.call('detachDevice', (c) => c.detachDevice(dom, step.xml, flags));
    }
  }

  /** After a failed step: the plan's rollback run (the live NIC detached and confirmed, the MAC returned or kept). */
  private async rollback(e: unknown, dom: DomainInfo, bound: AnyBound, failed: AttachStep): Promise<Error> {
    const { mac } = bound;
    let released = false;
    for (const step of rollbackAfter(bound, failed, e instanceof LibvirtTimeoutError && e.inFlight)) {
      if (step.op === 'keep-mac') {
        // Reserved until a rebuild after libvirt answers again says whether the NIC exists.
        this.unknown.set(mac, { domain: dom, mac, source: deviceOf(bound.spec), live: bound.steps.some((s) => s.scope === 'live'), config: bound.steps.some((s) => s.scope === 'config') });
        continue;
      }
      if (step.op === 'release-mac') {
        this.pool.release(step.mac);
        released = true;
        continue;
      }
      try {
        await this.applyStep(dom, step);
      } catch (r) {
        const cause = toNicError(e, `nic.attach to ${dom.name} (persistent part)`);
        this.log.error({ domain: dom.name, mac, err: cause.message, rollback: (r as Error).message }, 'attach failed and the live NIC could not be detached');
        return new NicError(
          'rollback-failed',
          `${cause.message}; the NIC was attached live and detaching it again failed too (${(r as Error).message}): ` +
            `it is still attached live with MAC ${mac}; detach it with 'hvnet nic detach ${dom.name} ${mac}'`,
          { mac, cause: cause.details },
          { cause: e },
        );
      }
    }
    this.save();
    const liveUndone = bound.steps.indexOf(failed) > 0;
    const err = toNicError(e, `nic.attach to ${dom.name}${liveUndone ? ' (persistent part; the live NIC was detached again)' : ''}`);
    if (released) err.details.macReleased = mac;
    return err;
  }

  // --- detach ----------------------------------------------------------------------------------

  private async doDetach(p: DetachParams): Promise<DetachResult> {
    let req: DetachRequest;
    try {
      req = validateDetachRequest({ domain: p.domain, nic: p.nic });
    } catch (e) {
      throw toNicError(e, 'nic.detach');
    }
    const view = await this.detachView(p.domain);
    const info = view.info;
    let plan: DetachPlan;
    try {
      const bridges = { live: view.live?.bridges, config: view.config?.bridges };
      plan = namesBridgeNic(req, bridges) ? planBridgeDetach(req, bridges) : planDetach(req, { live: view.live?.direct, config: view.config?.direct });
    } catch (e) {
      throw toNicError(e, 'nic.detach');
    }
    const result: DetachResult = { domain: p.domain, mac: plan.mac, live: false, config: false };
    // A NIC on an OVN network: its port is the interfaceid of either copy.
    const nicOf = [...(view.live?.bridges ?? []), ...(view.config?.bridges ?? [])].find((b) => b.mac === plan.mac);
    const iid = nicOf?.virtualport?.type === 'openvswitch' ? nicOf.virtualport.interfaceid : undefined;
    const vmPort = iid !== undefined && this.vm !== undefined ? vmPorts(this.vm.networks.ovn.view).find((v) => v.port === iid) : undefined;
    if (plan.alias !== undefined) result.alias = plan.alias;
    const keepsDefinition = plan.steps.some((s) => s.scope === 'config');
    try {
      for (const step of plan.steps) {
        if (step.scope === 'live') {
          const timeoutMs = p.timeoutMs ?? DEFAULT_RELEASE_MS;
          try {
            const r = await this.link.call('detachAndConfirm', (conn) =>
              conn.detachAndConfirm(info, step.xml, { timeoutMs, ...(step.alias === undefined ? {} : { alias: step.alias }) }),
            );
            result.live = true;
            result.releasedMs = Math.round(r.ms * 10) / 10;
          } catch (e) {
            const err = toNicError(e, `nic.detach from ${p.domain}`);
            if (err instanceof NicError && err.reason === 'device-not-released') {
              err.message = `${err.message}. Nothing else was changed${keepsDefinition ? ' (the persistent definition still has the NIC)' : ''}; the removal completes when the guest runs again — run the detach again then.`;
            }
            throw err;
          }
        } else {
          try {
            await this.applyStep(info, step);
            result.config = true;
          } catch (e) {
            throw toNicError(e, `nic.detach from ${p.domain}${result.live ? ' (persistent part; the live NIC is already detached)' : ''}`);
          }
        }
      }
    } finally {
      // Also after a partial failure: the next use reads this domain again (a config change emits no event).
      this.cache.invalidate(info.uuid);
    }
    if (vmPort !== undefined) {
      // libvirt reports a detach done even when its del-port failed: the port is confirmed gone, or removed.
      if (result.live) {
        const stale = await this.ovsPortsGone(vmPort.port);
        if (stale.length > 0) result.staleOvsPorts = stale;
      }
      const d = await this.detachVmPort(vmPort.port);
      result.port = d.port;
      result.freed = d.freed;
    }
    if (plan.mac !== '') {
      // Free in memory at once (nic.pool says so, the next attach may take it); on disk after the
      // reply. A crash in between leaves the file saying the MAC is taken: the rebuild from the
      // domains at the next start releases it. Late, never handed out twice.
      this.pool.release(plan.mac);
      this.saveAfterReply();
    }
    this.log.info({ domain: p.domain, mac: plan.mac === '' ? undefined : plan.mac, live: result.live, config: result.config, releasedMs: result.releasedMs, port: result.port }, 'NIC detached');
    this.scheduleRefresh();
    return result;
  }

  /**
   * The domain as a detach plans from it, without reading what libvirt's events keep fresh: its
   * identity, whether it runs and is persistent, and its live NICs come from the cache (a hot-plug
   * or unplug by any client, a start, stop, definition or undefinition names the domain, and the
   * cache reads it again first). Its persistent definition is read now: another client's
   * `--config` change emits no event (docs/libvirt.md#nics-other-clients-attach-or-detach). A NIC
   * the cache still shows live after another client unplugged it makes libvirt refuse the detach;
   * nothing is released then.
   */
  private async detachView(name: string): Promise<DomainView> {
    const cached = (await this.cache.fresh()).find((v) => v.info.name === name);
    if (cached === undefined) throw new NicError('domain-not-found', `no domain named ${name}`, { domain: name });
    if (!cached.persistent) return cached;
    const config = await readConfig(this.link, cached.info);
    if (config === undefined) throw new NicError('domain-not-found', `no domain named ${name}`, { domain: name });
    return { ...cached, config };
  }

  // --- NICs on OVN networks ---------------------------------------------------------------------

  private vmNb(): NetworksService {
    if (this.vm === undefined) throw new NicError('libvirt-unavailable', 'nic.attach --network: this hvnetd has no OVN networks service');
    return this.vm.networks;
  }

  private portRequest(req: NicRequest & { kind: 'network' }, mac: string): Parameters<typeof planAttachVmPort>[1] {
    return {
      ...(req.project === undefined ? {} : { project: req.project }),
      network: req.network,
      port: req.port,
      mac,
      ...(req.ipv4 === undefined ? {} : { ipv4: req.ipv4 }),
      ...(req.ipv6 === undefined ? {} : { ipv6: req.ipv6 }),
      domain: req.domain,
      host: this.vm?.hostId ?? '',
    };
  }

  /** Stale OVS ports first (a reused tap name would be black-holed), then the LSP through the networks service. */
  private async attachVmPort(req: NicRequest & { kind: 'network' }, mac: string, live: boolean): Promise<VmPortInfo> {
    const nb = this.vmNb();
    if (live && this.vm !== undefined) {
      const stale = this.vm.ovs.stalePorts(sourceExists);
      if (stale.length > 0) await this.vm.ovs.deletePorts(stale);
    }
    const r = this.portRequest(req, mac);
    return nb.applyPlanned((v, o) => planAttachVmPort(v, r, o), { project: req.project ?? 'default', network: req.network });
  }

  private detachVmPort(port: string): Promise<{ port: string; freed: string[] }> {
    return this.vmNb().applyPlanned((v, o) => planDetachVmPort(v, port, o), {});
  }

  /** Waits briefly for libvirt's del-port to show; a port still there is removed. Returns the ports removed. */
  private async ovsPortsGone(port: string): Promise<string[]> {
    const ovs = this.vm?.ovs;
    if (ovs === undefined) return [];
    for (let i = 0; i < 40 && ovs.portsOf(port).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    const left = ovs.portsOf(port);
    if (left.length > 0) await ovs.deletePorts(left);
    return left;
  }

  // --- pool, cache -----------------------------------------------------------------------------

  /**
   * The pool from what the domains really have: at connect and every reconnection (`connect`:
   * duplicates counted and logged), after a domain was undefined and periodically (`reload`: MACs
   * no domain has any more are released), and after libvirt's event for a domain (`event`: from
   * the cache, with only the domains events named read again). MACs of attaches whose outcome is
   * unknown stay reserved. Serial with attaches and detaches: it never sees one half done.
   */
  rebuild(why: 'connect' | 'reload' | 'event'): Promise<void> {
    return this.serial(async () => {
      if (this.link.state !== 'connected') return; // the reconnection rebuilds
      if (why !== 'event') this.cache.invalidateAll();
      const views = await this.cache.fresh();
      this.resolveUnknown(views);
      const before = JSON.stringify(this.pool.list());
      const dups = this.pool.rebuild(macsInUse(views), { count: why === 'connect' });
      for (const u of this.unknown.values()) if (this.pool.holderOf(u.mac) === undefined) this.pool.claim(u.mac, u.domain.name, hvnetAlias(u.mac));
      // Events come with every attach and detach: the file is written only when the pool changed.
      if (why !== 'event' || JSON.stringify(this.pool.list()) !== before) this.save();
      if (why === 'connect') {
        if (dups.length > 0) this.log.warn({ duplicates: dups }, 'duplicate MAC addresses on this host');
        this.emit('rebuilt', dups);
      }
      this.setRows(this.decorate(nicRows(views)), why === 'connect');
    }).catch((e: unknown) => this.log.warn({ err: (e as Error).message }, 'MAC pool rebuild failed; it runs again at the next connection or reload'));
  }

  /**
   * What became of each attach libvirtd went away during: the NIC in the domain's XML (the attach
   * happened: the MAC is the NIC's), a macvtap with its MAC on the source that libvirt does not
   * know of (an orphan: QEMU may still hold it, so the MAC stays reserved and is never handed out
   * while the link exists), or neither (nothing was attached: the MAC is released). An orphan is
   * not deleted: nothing on the link says hvnet made it, and QEMU may still use its tap; the
   * event says how to remove it. Each finding is a host status event and a log line.
   */
  private resolveUnknown(views: readonly DomainView[]): void {
    for (const u of [...this.unknown.values()]) {
      const view = views.find((v) => v.info.uuid === u.domain.uuid);
      const inLive = view?.live?.ids.some((i) => i.mac === u.mac) === true;
      const inConfig = view?.config?.ids.some((i) => i.mac === u.mac) === true;
      const links = upperLinksWithMac(u.source, u.mac);
      const what = `attach of MAC ${u.mac} to ${u.domain.name} (libvirtd went away after it was sent)`;
      if (inLive || inConfig) {
        const where = inLive && inConfig ? 'live and persistent XML' : inLive ? 'live XML' : 'persistent XML';
        const asked = u.live && u.config ? 'live and persistent' : u.live ? 'live' : 'persistent';
        this.unknown.delete(u.mac);
        this.event('nic-attach-outcome', u.domain.name, `${what}: it happened; the NIC is in the domain's ${where} (asked: ${asked})${links.length > 0 ? `, macvtap ${links.join(', ')}` : ''}`, { mac: u.mac, found: 'attached', inLive, inConfig, links });
      } else if (links.length > 0) {
        if (u.orphan?.join() === links.join()) continue; // said already
        u.orphan = links;
        this.event(
          'nic-orphan-macvtap',
          u.domain.name,
          `${what}: the NIC is not in the domain's XML but ${links.join(', ')} on ${u.source} carries the MAC: an orphan libvirt does not know of ` +
            `(QEMU may still hold it; its PCI slot can make the next hot-plug fail). MAC ${u.mac} stays reserved while it exists; ` +
            `restart the domain (shutdown, start) or delete the link ('ip link delete ${links[0] ?? ''}') once nothing uses it`,
          { mac: u.mac, found: 'orphan', links },
        );
      } else {
        this.unknown.delete(u.mac);
        this.pool.release(u.mac);
        const msg = u.orphan === undefined ? `${what}: nothing was attached; MAC released` : `${what}: the orphan macvtap ${u.orphan.join(', ')} is gone; MAC released`;
        this.event('nic-attach-outcome', u.domain.name, msg, { mac: u.mac, found: 'nothing' });
      }
    }
  }

  private event(code: string, subject: string, message: string, fields: Record<string, unknown>): void {
    this.eventList.push({ at: new Date().toISOString(), code, subject, message });
    this.eventList.splice(0, Math.max(0, this.eventList.length - MAX_EVENTS));
    this.log.warn({ domain: subject, ...fields }, message);
    this.emit('changed');
  }

  private schedulePrune(): void {
    if (this.stopped) return;
    clearTimeout(this.pruneTimer);
    this.pruneTimer = setTimeout(() => void this.rebuild('reload'), REFRESH_DEBOUNCE_MS);
    this.pruneTimer.unref();
  }

  /** Debounced: a burst of events (a domain started with many NICs) is one pass. */
  private scheduleSync(): void {
    if (this.stopped) return;
    clearTimeout(this.syncTimer);
    this.syncTimer = setTimeout(() => void this.rebuild('event'), REFRESH_DEBOUNCE_MS);
    this.syncTimer.unref();
  }

  scheduleRefresh(): void {
    if (this.stopped) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), REFRESH_DEBOUNCE_MS);
    this.refreshTimer.unref();
  }

  private async refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    try {
      if (this.link.state === 'connected') this.setRows(this.decorate(nicRows(await this.cache.fresh())));
    } catch (e) {
      this.log.debug({ err: (e as Error).message }, 'NIC list refresh failed');
    } finally {
      this.refreshing = false;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        this.scheduleRefresh();
      }
    }
  }

  /** Every caller passes rows made from a read of every domain. */
  private setRows(rows: NicRow[], force = false): void {
    const key = JSON.stringify(rows);
    if (!force && key === this.rowsKey && this.rowsRead) return;
    this.rowsRead = true;
    this.rows = rows;
    this.rowsKey = key;
    this.emit('changed');
  }

  private save(): void {
    try {
      savePool(this.pool, this.poolFile);
    } catch (e) {
      this.log.error({ err: (e as Error).message, file: this.poolFile }, 'cannot save the MAC pool state');
    }
    try {
      if (this.unknown.size === 0) rmSync(this.unknownFile, { force: true });
      else {
        writeFileSync(`${this.unknownFile}.tmp`, `${JSON.stringify([...this.unknown.values()], null, 1)}\n`, { mode: 0o640 });
        renameSync(`${this.unknownFile}.tmp`, this.unknownFile);
      }
    } catch (e) {
      this.log.error({ err: (e as Error).message, file: this.unknownFile }, 'cannot save the attaches of unknown outcome');
    }
  }

  /**
   * The pool file written once the reply that released a MAC has left (setImmediate: after the
   * reply's write in this turn), and before any change queued behind it.
   */
  private saveAfterReply(): void {
    void this.serial(async () => {
      await new Promise((r) => setImmediate(r));
      this.save();
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async lookup(name: string): Promise<DomainInfo> {
    try {
      return await this.link.call('lookupByName', (c) => c.lookupDomainByName(name));
    } catch (e) {
      if (e instanceof LibvirtCallError && e.isNoDomain) throw new NicError('domain-not-found', `no domain named ${name}`, { domain: name });
      throw toNicError(e, `looking up domain ${name}`);
    }
  }

  private async isPersistent(info: DomainInfo): Promise<boolean> {
    if (info.id < 0) return true; // an inactive domain exists only through its definition
    // A transient domain has no inactive definition: virDomainGetXMLDesc(INACTIVE) gives the live one; ask the list instead.
    const persistent = await this.link.call('listAllDomains', (c) => c.listAllDomains(ListDomainsFlags.PERSISTENT));
    return persistent.some((d) => d.uuid === info.uuid);
  }
}

type AnySpec = NormalizedInterfaceSpec | NormalizedBridgeInterfaceSpec;
type AnyBound = BoundAttach<AnySpec>;

function questionsOf(req: NicRequest): LinkQuestions {
  if (req.kind === 'network') return kinds.network.questions(req);
  return req.kind === 'bridge' ? kinds.bridge.questions(req) : kinds.macvtap.questions(req);
}

function planOf(req: NicRequest, facts: HostFacts): AttachPlan<NicRequest> {
  if (req.kind === 'network') return kinds.network.plan(req, facts);
  return req.kind === 'bridge' ? kinds.bridge.plan(req, facts) : kinds.macvtap.plan(req, facts);
}

function bindOf(plan: AttachPlan<NicRequest>, mac: string): AnyBound {
  const req = plan.request;
  if (req.kind === 'network') return kinds.network.bind({ ...plan, request: req }, mac);
  return req.kind === 'bridge' ? kinds.bridge.bind({ ...plan, request: req }, mac) : kinds.macvtap.bind({ ...plan, request: req }, mac);
}

/** What the NIC sits on, as the result and the log say it. */
function describe(req: NicRequest, spec: AnySpec): Pick<AttachResult, 'kind' | 'source' | 'mode' | 'bridge' | 'port'> {
  if ('source' in spec) return { kind: 'macvtap', source: spec.source, mode: spec.mode };
  if (req.kind === 'network') return { kind: 'network', bridge: spec.bridge, port: req.port };
  return { kind: 'bridge', bridge: spec.bridge };
}

function portFields(p: VmPortInfo): Pick<AttachResult, 'network' | 'port' | 'addresses'> {
  return { network: `${p.project}/${p.network}`, port: p.port, addresses: [p.ipv4, p.ipv6].filter((a): a is string => a !== null) };
}

/** The host device whose upper links may carry an orphan of the NIC (a bridge has none hvnet could find: the tap's MAC is not the guest's). */
function deviceOf(spec: AnySpec): string {
  return 'source' in spec ? spec.source : spec.bridge;
}

/** The attaches of unknown outcome an earlier hvnetd saved; an unreadable file only loses them (logged). */
function readUnknown(file: string, log: Logger): UnknownAttach[] {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.error({ err: (e as Error).message, file }, 'attaches of unknown outcome unreadable; their MACs may be handed out again');
    return [];
  }
  if (!Array.isArray(v)) return [];
  return v.filter(
    (u): u is UnknownAttach =>
      typeof u === 'object' &&
      u !== null &&
      typeof (u as UnknownAttach).mac === 'string' &&
      typeof (u as UnknownAttach).source === 'string' &&
      typeof (u as UnknownAttach).domain?.uuid === 'string' &&
      typeof (u as UnknownAttach).domain.name === 'string',
  );
}
