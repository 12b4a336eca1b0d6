// The NIC operations behind nic.attach / nic.detach / nic.list / nic.pool. Changes run one at a
// time (the MAC pool and the duplicate checks must see each other's result). Everything that can
// be checked is checked before libvirt is called; when libvirt refuses, what was done is undone
// so that the live and persistent XML are as before and the MAC is back in the pool.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { DeviceModify, ListDomainsFlags } from '../../../../lib/libvirt/constants.js';
import type { DomainInfo } from '../../../../lib/libvirt/connection.js';
import { LibvirtCallError, LibvirtTimeoutError } from '../../../../lib/libvirt/errors.js';
import { validateInterfaceSpec, checkPassthroughExclusive, checkIdentityUnique, normalizeMac } from '../../../../lib/domxml/validate.js';
import { buildDetachXml, buildInterfaceXml } from '../../../../lib/domxml/build.js';
import { QbgSourceRefusedError } from '../../../../lib/domxml/errors.js';
import type { DomainInterface, NormalizedInterfaceSpec } from '../../../../lib/domxml/types.js';
import { MacPool } from '../../../../lib/macpool/pool.js';
import type { Duplicate } from '../../../../lib/macpool/pool.js';
import { openPool, savePool } from '../../../../lib/macpool/state.js';
import { parseRange } from '../../../../lib/macpool/mac.js';
import type { ParamsOf, ResultOf } from '../../../api/methods.js';
import type { NicRow, nicAttachMethod, nicDetachMethod, nicPoolMethod } from '../../../api/nics.js';
import type { Logger } from '../../../logger.js';
import { NicError, toNicError } from './errors.js';
import { macvtapOn, qbgVerdict, sourceExists } from './host-links.js';
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

export function aliasFor(mac: string): string {
  return `ua-hvnet-${mac.replaceAll(':', '')}`;
}

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
    link.on('up', () => void this.rebuild());
    // Events of a broken connection are lost: nothing cached can be trusted after it.
    link.on('down', () => this.cache.invalidateAll());
    const changed = (e: { domain: { uuid: string } }): void => {
      this.cache.invalidate(e.domain.uuid);
      this.scheduleRefresh();
    };
    link.on('lifecycle', changed);
    link.on('deviceRemoved', changed);
    link.on('deviceAdded', changed);
    this.periodic = setInterval(() => {
      this.cache.invalidateAll();
      this.scheduleRefresh();
    }, REFRESH_PERIOD_MS);
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
    clearInterval(this.periodic);
  }

  poolStatus(): PoolResult {
    return { range: this.pool.rangeText, allocations: this.pool.list(), duplicates: this.pool.duplicates(), duplicatesSeen: this.pool.duplicateCount };
  }

  // --- operations ------------------------------------------------------------------------------

  attach(p: AttachParams): Promise<AttachResult> {
    // Checked before anything else: a bad spec never waits behind other work.
    const spec = this.validate(p);
    return this.serial(() => this.doAttach(p, spec)).catch((e: unknown) => {
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

  private validate(p: AttachParams): NormalizedInterfaceSpec {
    const input: Record<string, unknown> = { source: p.source };
    if (p.mode !== undefined) input.mode = p.mode;
    if (p.model !== undefined) input.model = p.model;
    if (p.mac !== undefined) input.mac = p.mac;
    if (p.virtualport !== undefined) {
      input.virtualport = Object.fromEntries(Object.entries(p.virtualport).filter(([, v]) => v !== undefined));
    }
    try {
      return validateInterfaceSpec(input);
    } catch (e) {
      throw toNicError(e, 'nic.attach');
    }
  }

  private async doAttach(p: AttachParams, spec0: NormalizedInterfaceSpec): Promise<AttachResult> {
    // The cache: kept fresh by libvirt's events; a domain an event named is read again first.
    const views = await this.cache.fresh();
    const view = views.find((v) => v.info.name === p.domain);
    if (view === undefined) throw new NicError('domain-not-found', `no domain named ${p.domain}`, { domain: p.domain });
    const dom = view.info;
    // Defaults: live and persistent on a running domain, persistent on a stopped one.
    const live = p.live ?? (p.config === true ? false : view.active);
    const config = p.config ?? (p.live === true ? false : view.persistent);
    if (!live && !config) throw new NicError('invalid-field', 'nothing to do: neither live nor config', { domain: p.domain });
    if (live && !view.active) {
      throw new NicError('domain-not-running', `domain ${p.domain} is not running: a live attach needs a running domain (use --config to change its definition)`, { domain: p.domain });
    }
    if (config && !view.persistent) {
      throw new NicError('domain-not-persistent', `domain ${p.domain} is transient: it has no persistent definition (use --live only)`, { domain: p.domain });
    }

    const warnings: string[] = [];
    await this.checkSource(spec0, live, warnings);

    const others = views.flatMap((v) => [...(v.live?.direct ?? []), ...(v.config?.direct ?? [])]);
    try {
      checkPassthroughExclusive(spec0, others);
    } catch (e) {
      throw toNicError(e, 'nic.attach');
    }

    // The MAC: the user's (refused when any NIC of any domain, or the pool, has it) or the pool's next free one.
    const holders = new Map<string, string>();
    for (const v of views) for (const i of [...(v.live?.ids ?? []), ...(v.config?.ids ?? [])]) if (i.mac !== undefined) holders.set(i.mac, v.info.name);
    let mac: string;
    try {
      if (spec0.mac !== undefined) {
        const held = holders.get(spec0.mac);
        if (held !== undefined) {
          throw new NicError('duplicate-mac', `MAC ${spec0.mac} is already used by a NIC of domain ${held}; ${p.domain} cannot have it too`, { mac: spec0.mac, heldBy: held });
        }
        mac = this.pool.claim(spec0.mac, p.domain, aliasFor(spec0.mac)).mac;
      } else {
        mac = this.allocateFree(p.domain, holders);
      }
    } catch (e) {
      throw toNicError(e, 'nic.attach');
    }
    const alias = aliasFor(mac);
    const spec: NormalizedInterfaceSpec = { ...spec0, mac, alias };
    let xml: string;
    try {
      checkIdentityUnique({ mac, alias }, [...(view.live?.ids ?? []), ...(view.config?.ids ?? [])]);
      xml = buildInterfaceXml(spec);
    } catch (e) {
      this.pool.release(mac);
      throw toNicError(e, 'nic.attach');
    }
    const result: AttachResult = { domain: p.domain, mac, alias, source: spec.source, mode: spec.mode, model: spec.model, live, config, dryRun: p.dryRun === true, xml, warnings };
    if (p.dryRun === true) {
      this.pool.release(mac);
      return result;
    }
    this.save(); // before libvirt: a crash in between must not hand the MAC out twice

    let liveDone = false;
    try {
      if (live) {
        await this.link.call('attachDevice', (c) => c.attachDevice(dom, xml, DeviceModify.LIVE, { timeoutMs: ATTACH_TIMEOUT_MS }));
        liveDone = true;
      }
      if (config) await this.link.call('attachDevice', (c) => c.attachDevice(dom, xml, DeviceModify.CONFIG));
    } catch (e) {
      throw await this.undoAttach(e, dom, spec, liveDone, config && live);
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
    this.log.info({ domain: p.domain, mac, source: spec.source, mode: spec.mode, live, config, target: result.target }, 'NIC attached');
    this.scheduleRefresh();
    return result;
  }

  private async checkSource(spec: NormalizedInterfaceSpec, live: boolean, warnings: string[]): Promise<void> {
    const exists = sourceExists(spec.source);
    if (!exists) {
      const msg = `source device ${spec.source} does not exist on this host`;
      if (live) throw new NicError('source-missing', `${msg}: a live attach needs it`, { source: spec.source });
      warnings.push(`${msg}; the domain will not start with this NIC until it does`);
    }
    if (spec.virtualport?.type !== '802.1Qbg' || !exists) return;
    const verdict = await qbgVerdict(spec.source);
    if (verdict === undefined || verdict.ok) return;
    if (live) throw toNicError(new QbgSourceRefusedError(verdict.device, verdict.reason, verdict.detail), 'nic.attach');
    warnings.push(
      `802.1Qbg source ${spec.source} is not usable (${verdict.reason}: ${verdict.detail}); do not start the domain with this NIC ` +
        'on this host (a veth source hangs libvirtd)',
    );
  }

  private allocateFree(domain: string, holders: ReadonlyMap<string, string>): string {
    for (let i = 0; i < 4096; i++) {
      const a = this.pool.allocate(domain);
      const held = holders.get(a.mac);
      if (held === undefined) return a.mac;
      // A NIC made behind hvnet's back since the last rebuild: record its real holder, try the next.
      this.pool.release(a.mac);
      this.pool.claim(a.mac, held);
    }
    throw new NicError('mac-pool-exhausted', `no free MAC found in ${this.pool.rangeText}`, { range: this.pool.rangeText });
  }

  /** After a failed attach: the live NIC detached (confirmed) if it was made, the MAC returned. */
  private async undoAttach(e: unknown, dom: DomainInfo, spec: NormalizedInterfaceSpec, liveDone: boolean, bothWanted: boolean): Promise<Error> {
    const mac = spec.mac ?? '';
    const unknownOutcome = e instanceof LibvirtTimeoutError && e.inFlight;
    if (liveDone) {
      try {
        await this.link.call('detachAndConfirm', (c) =>
          c.detachAndConfirm(dom, buildDetachXml({ source: spec.source, mode: spec.mode, mac, alias: spec.alias }), { alias: spec.alias, timeoutMs: DEFAULT_RELEASE_MS }),
        );
      } catch (r) {
        const err = toNicError(e, `nic.attach to ${dom.name} (persistent part)`);
        this.log.error({ domain: dom.name, mac, err: err.message, rollback: (r as Error).message }, 'attach failed and the live NIC could not be detached');
        return new NicError(
          'rollback-failed',
          `${err.message}; the NIC was attached live and detaching it again failed too (${(r as Error).message}): ` +
            `it is still attached live with MAC ${mac}; detach it with 'hvnet nic detach ${dom.name} ${mac}'`,
          { mac, cause: err.details },
          { cause: e },
        );
      }
    }
    const err = toNicError(e, `nic.attach to ${dom.name}${liveDone && bothWanted ? ' (persistent part; the live NIC was detached again)' : ''}`);
    if (unknownOutcome) {
      // libvirt may still be doing it: keep the MAC until the next rebuild knows.
      this.save();
      return err;
    }
    this.pool.release(mac);
    this.save();
    err.details.macReleased = mac;
    return err;
  }

  // --- detach ----------------------------------------------------------------------------------

  private async doDetach(p: DetachParams): Promise<DetachResult> {
    const info = await this.lookup(p.domain);
    const view = await readDomain(this.link, info, await this.isPersistent(info));
    if (view === undefined) throw new NicError('domain-not-found', `no domain named ${p.domain}`, { domain: p.domain });
    let key: { mac: string } | { alias: string };
    try {
      key = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(p.nic) ? { mac: normalizeMac(p.nic, 'nic') } : { alias: p.nic };
    } catch (e) {
      throw toNicError(e, 'nic.detach');
    }
    const matches = (i: DomainInterface): boolean => ('mac' in key ? i.mac === key.mac : i.alias === key.alias);
    const l = view.live?.direct.find(matches);
    // An alias like net0 exists only live; the persistent copy is the one with the same MAC.
    const mac = l?.mac ?? view.config?.direct.find(matches)?.mac;
    const c = view.config?.direct.find((i) => (mac !== undefined ? i.mac === mac : matches(i)));
    if (l === undefined && c === undefined) {
      const known = [...(view.live?.direct ?? []), ...(view.config?.direct ?? [])].map((i) => i.mac ?? i.alias ?? '?');
      throw new NicError('nic-not-found', `domain ${p.domain} has no macvtap NIC ${p.nic} (it has: ${[...new Set(known)].join(', ') || 'none'})`, { domain: p.domain, nic: p.nic });
    }
    const result: DetachResult = { domain: p.domain, mac: mac ?? '', live: false, config: false };
    const alias = l?.alias ?? c?.alias;
    if (alias !== undefined) result.alias = alias;
    try {
      if (l !== undefined) {
        const timeoutMs = p.timeoutMs ?? DEFAULT_RELEASE_MS;
        try {
          const r = await this.link.call('detachAndConfirm', (conn) =>
            conn.detachAndConfirm(info, buildDetachXml({ source: l.source, mode: l.mode, mac: l.mac, alias: l.alias }), {
              timeoutMs,
              ...(l.alias === undefined ? {} : { alias: l.alias }),
            }),
          );
          result.live = true;
          result.releasedMs = Math.round(r.ms * 10) / 10;
        } catch (e) {
          const err = toNicError(e, `nic.detach from ${p.domain}`);
          if (err instanceof NicError && err.reason === 'device-not-released') {
            err.message = `${err.message}. Nothing else was changed${c === undefined ? '' : ' (the persistent definition still has the NIC)'}; the removal completes when the guest runs again — run the detach again then.`;
          }
          throw err;
        }
      }
      if (c !== undefined) {
        try {
          await this.link.call('detachDevice', (conn) =>
            conn.detachDevice(info, buildDetachXml({ source: c.source, mode: c.mode, mac: c.mac, alias: c.alias }), DeviceModify.CONFIG),
          );
          result.config = true;
        } catch (e) {
          throw toNicError(e, `nic.detach from ${p.domain}${result.live ? ' (persistent part; the live NIC is already detached)' : ''}`);
        }
      }
    } finally {
      // Also after a partial failure: the next use reads this domain again (a config change emits no event).
      this.cache.invalidate(info.uuid);
    }
    if (mac !== undefined) {
      this.pool.release(mac);
      this.save();
    }
    this.log.info({ domain: p.domain, mac, live: result.live, config: result.config, releasedMs: result.releasedMs }, 'NIC detached');
    this.scheduleRefresh();
    return result;
  }

  // --- pool, cache -----------------------------------------------------------------------------

  /** The pool from what the domains really have (at connect and at every reconnection). */
  rebuild(): Promise<void> {
    return this.serial(async () => {
      this.cache.invalidateAll();
      const views = await this.cache.fresh();
      const dups = this.pool.rebuild(macsInUse(views));
      this.save();
      if (dups.length > 0) this.log.warn({ duplicates: dups }, 'duplicate MAC addresses on this host');
      this.emit('rebuilt', dups);
      this.setRows(nicRows(views), true);
    }).catch((e: unknown) => this.log.warn({ err: (e as Error).message }, 'MAC pool rebuild failed; it runs again at the next connection'));
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

