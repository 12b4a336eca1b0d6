// The NIC operations behind nic.attach / nic.detach / nic.list / nic.pool. Changes run one at a
// time (the MAC pool and the duplicate checks must see each other's result). lib/nic decides
// (checks, XML, steps, what undoes them) from the facts read here; this file does the reading, the
// MAC pool and the libvirt calls, so that everything that can be checked is checked before
// libvirt is called, and when libvirt refuses, what was done is undone: the live and persistent
// XML as before and the MAC back in the pool.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { DeviceModify, ListDomainsFlags } from '../../../../lib/libvirt/constants.js';
import type { DomainInfo } from '../../../../lib/libvirt/connection.js';
import { LibvirtCallError, LibvirtTimeoutError } from '../../../../lib/libvirt/errors.js';
import type { NormalizedInterfaceSpec } from '../../../../lib/domxml/types.js';
import { MacPool } from '../../../../lib/macpool/pool.js';
import type { Duplicate } from '../../../../lib/macpool/pool.js';
import { openPool, savePool } from '../../../../lib/macpool/state.js';
import { parseMac, parseRange } from '../../../../lib/macpool/mac.js';
import { hvnetAlias } from '../../../../lib/nic/alias.js';
import { planDetach } from '../../../../lib/nic/kinds/macvtap.js';
import { rollbackAfter } from '../../../../lib/nic/plan.js';
import type { AttachPlan, AttachStep, BoundAttach, DetachPlan, DeviceStep } from '../../../../lib/nic/plan.js';
import { kinds } from '../../../../lib/nic/registry.js';
import { validateDetachRequest } from '../../../../lib/nic/request.js';
import type { DetachRequest, MacvtapRequest } from '../../../../lib/nic/request.js';
import type { ParamsOf, ResultOf } from '../../../api/methods.js';
import type { NicRow, nicAttachMethod, nicDetachMethod, nicPoolMethod } from '../../../api/nics.js';
import type { Logger } from '../../../logger.js';
import { NicError, toNicError } from './errors.js';
import { hostFacts } from './host-facts.js';
import { macvtapOn } from './host-links.js';
import { macsInUse, nicRows, readDomain, readInventory, side } from './inventory.js';
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

export interface NicServiceEvents {
  /** The NIC rows or the pool's duplicates changed (the host status must be recomputed). */
  changed: [];
  rebuilt: [Duplicate[]];
}

export class NicService extends EventEmitter<NicServiceEvents> {
  private pool: MacPool;
  private readonly poolFile: string;
  private chain: Promise<unknown> = Promise.resolve();
  private rows: NicRow[] = [];
  private rowsKey = '[]';
  private refreshTimer: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private refreshing = false;
  private refreshAgain = false;
  private stopped = false;
  private readonly cache: InventoryCache;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly link: LibvirtLink,
    stateDir: string,
    range: string,
    private readonly log: Logger,
  ) {
    super();
    this.poolFile = join(stateDir, POOL_FILE);
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
    const changed = (e: { domain: { uuid: string } }): void => {
      this.cache.invalidate(e.domain.uuid);
      this.scheduleRefresh();
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
  }

  get nics(): readonly NicRow[] {
    return this.rows;
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
    clearInterval(this.periodic);
  }

  /** hvnet's allocations inside the range apart from every other MAC the domains carry. */
  poolStatus(): PoolResult {
    const { start, end } = this.pool.range;
    const allocations: PoolResult['allocations'] = [];
    const foreign: PoolResult['foreign'] = [];
    for (const a of this.pool.list()) {
      const v = parseMac(a.mac);
      const inRange = v >= start && v <= end;
      const hvnets = a.alias === hvnetAlias(a.mac);
      if (hvnets && inRange) allocations.push(a);
      else foreign.push({ ...a, reason: hvnets ? 'outside-range' : 'not-hvnet' });
    }
    return { range: this.pool.rangeText, allocations, foreign, duplicates: this.pool.duplicates(), duplicatesSeen: this.pool.duplicateCount };
  }

  // --- operations ------------------------------------------------------------------------------

  attach(p: AttachParams): Promise<AttachResult> {
    // Checked before anything else: a bad spec never waits behind other work.
    const req = this.validate(p);
    return this.serial(() => this.doAttach(req)).catch((e: unknown) => {
      throw toNicError(e, `nic.attach to ${p.domain}`);
    });
  }

  detach(p: DetachParams): Promise<DetachResult> {
    return this.serial(() => this.doDetach(p)).catch((e: unknown) => {
      throw toNicError(e, `nic.detach from ${p.domain}`);
    });
  }

  list(domain?: string): Promise<NicRow[]> {
    return this.doList(domain).catch((e: unknown) => {
      throw toNicError(e, 'nic.list');
    });
  }

  private async doList(domain?: string): Promise<NicRow[]> {
    let views: DomainView[];
    if (domain === undefined) {
      views = await readInventory(this.link);
      this.setRows(nicRows(views));
    } else {
      const info = await this.lookup(domain);
      const persistent = await this.isPersistent(info);
      const v = await readDomain(this.link, info, persistent);
      if (v === undefined) throw new NicError('domain-not-found', `no domain named ${domain}`, { domain });
      views = [v];
    }
    return nicRows(views);
  }

  // --- attach ----------------------------------------------------------------------------------

  private validate(p: AttachParams): MacvtapRequest {
    try {
      return kinds.macvtap.validate({ kind: 'macvtap', ...p });
    } catch (e) {
      throw toNicError(e, 'nic.attach');
    }
  }

  /** lib/nic plans once from the facts read here; this applies the plan's steps and, on a failure, its rollback. */
  private async doAttach(req: MacvtapRequest): Promise<AttachResult> {
    const kind = kinds[req.kind];
    // The cache: kept fresh by libvirt's events; a domain an event named is read again first.
    const views = await this.cache.fresh();
    const view = views.find((v) => v.info.name === req.domain);
    if (view === undefined) throw new NicError('domain-not-found', `no domain named ${req.domain}`, { domain: req.domain });
    const dom = view.info;
    const facts = await hostFacts(views, view, kind.questions(req));
    let plan: AttachPlan<MacvtapRequest>;
    try {
      plan = kind.plan(req, facts);
    } catch (e) {
      throw toNicError(e, 'nic.attach');
    }
    if (req.dryRun) return this.dryRun(req, plan, facts.macHolders);
    const mac = this.reserveMac(plan, facts.macHolders);
    let bound: BoundAttach<NormalizedInterfaceSpec>;
    try {
      bound = kind.bind(plan, mac);
    } catch (e) {
      this.pool.release(mac);
      throw toNicError(e, 'nic.attach');
    }
    const { spec, alias, xml } = bound;
    const { live, config } = plan;
    const result: AttachResult = { domain: req.domain, mac, alias, source: spec.source, mode: spec.mode, model: spec.model, live, config, dryRun: req.dryRun, xml, warnings: [...plan.warnings] };
    this.save(); // before libvirt: a crash in between must not hand the MAC out twice

    try {
      for (const step of bound.steps) {
        try {
          await this.applyStep(dom, step);
        } catch (e) {
          throw await this.rollback(e, dom, bound, step);
        }
      }
    } finally {
      // A config-only change emits no event: the next use reads this domain again in any case.
      this.cache.invalidate(dom.uuid);
    }
    if (live) {
      // The host's macvtap from sysfs, else (a source that is no netdev, an unusual setup) from the live XML.
      let target = macvtapOn(spec.source, mac);
      if (target === undefined) {
        const after = await this.link.call('getXMLDesc', (c) => c.getDomainXml(dom, 0)).catch(() => undefined);
        target = after === undefined ? undefined : side(after).direct.find((i) => i.mac === mac)?.targetDev;
      }
      if (target !== undefined) result.target = target;
    }
    this.log.info({ domain: req.domain, mac, source: spec.source, mode: spec.mode, live, config, target: result.target }, 'NIC attached');
    this.scheduleRefresh();
    return result;
  }

  /**
   * What the attach would do, changing nothing: with the MAC it would take (the client's, or the
   * pool's next free one, the same on every dry run until an attach takes it).
   */
  private dryRun(req: MacvtapRequest, plan: AttachPlan<MacvtapRequest>, holders: ReadonlyMap<string, string>): AttachResult {
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
    let bound: BoundAttach<NormalizedInterfaceSpec>;
    try {
      bound = kinds[req.kind].bind(plan, mac);
    } catch (e) {
      throw toNicError(e, 'nic.attach');
    }
    const { spec, alias, xml } = bound;
    return { domain: req.domain, mac, alias, source: spec.source, mode: spec.mode, model: spec.model, live: plan.live, config: plan.config, dryRun: true, xml, warnings: [...plan.warnings] };
  }

  /** The plan's MAC claimed in the pool, or the pool's next one no NIC of the host has. */
  private reserveMac(plan: AttachPlan<MacvtapRequest>, holders: ReadonlyMap<string, string>): string {
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
  private async rollback(e: unknown, dom: DomainInfo, bound: BoundAttach<NormalizedInterfaceSpec>, failed: AttachStep): Promise<Error> {
    const { mac } = bound;
    let released = false;
    for (const step of rollbackAfter(bound, failed, e instanceof LibvirtTimeoutError && e.inFlight)) {
      if (step.op === 'keep-mac') continue; // reserved until the next rebuild says whether the NIC exists
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
    const info = await this.lookup(p.domain);
    const view = await readDomain(this.link, info, await this.isPersistent(info));
    if (view === undefined) throw new NicError('domain-not-found', `no domain named ${p.domain}`, { domain: p.domain });
    let plan: DetachPlan;
    try {
      plan = planDetach(req, { live: view.live?.direct, config: view.config?.direct });
    } catch (e) {
      throw toNicError(e, 'nic.detach');
    }
    const result: DetachResult = { domain: p.domain, mac: plan.mac, live: false, config: false };
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
    if (plan.mac !== '') {
      this.pool.release(plan.mac);
      this.save();
    }
    this.log.info({ domain: p.domain, mac: plan.mac === '' ? undefined : plan.mac, live: result.live, config: result.config, releasedMs: result.releasedMs }, 'NIC detached');
    this.scheduleRefresh();
    return result;
  }

  // --- pool, cache -----------------------------------------------------------------------------

  /**
   * The pool from what the domains really have: at connect and every reconnection (`connect`:
   * duplicates counted and logged), after a domain was undefined and periodically (`reload`: MACs
   * no domain has any more are released).
   */
  rebuild(why: 'connect' | 'reload'): Promise<void> {
    return this.serial(async () => {
      if (this.link.state !== 'connected') return; // the reconnection rebuilds
      this.cache.invalidateAll();
      const views = await this.cache.fresh();
      const dups = this.pool.rebuild(macsInUse(views), { count: why === 'connect' });
      this.save();
      if (why === 'connect') {
        if (dups.length > 0) this.log.warn({ duplicates: dups }, 'duplicate MAC addresses on this host');
        this.emit('rebuilt', dups);
      }
      this.setRows(nicRows(views), why === 'connect');
    }).catch((e: unknown) => this.log.warn({ err: (e as Error).message }, 'MAC pool rebuild failed; it runs again at the next connection or reload'));
  }

  private schedulePrune(): void {
    if (this.stopped) return;
    clearTimeout(this.pruneTimer);
    this.pruneTimer = setTimeout(() => void this.rebuild('reload'), REFRESH_DEBOUNCE_MS);
    this.pruneTimer.unref();
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
      if (this.link.state === 'connected') this.setRows(nicRows(await this.cache.fresh()));
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

  private setRows(rows: NicRow[], force = false): void {
    const key = JSON.stringify(rows);
    if (!force && key === this.rowsKey) return;
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
