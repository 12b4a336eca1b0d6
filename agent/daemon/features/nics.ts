// The NIC feature: hvnetd's libvirt connection, the MAC pool, and the nic.* methods. It puts the
// libvirt connection state and every macvtap NIC (with its MAC, which the controller checks
// across hosts) into the host status, and its metrics on the daemon's registry.
import { ConfigError } from '../../api/errors.js';
import { nicAttachMethod, nicDetachMethod, nicListMethod, nicPoolMethod } from '../../api/nics.js';
import type { Config } from '../../config/schema.js';
import type { Feature } from '../feature.js';
import { LibvirtLink } from './nics/libvirt-link.js';
import { createNicMetrics } from './nics/metrics.js';
import { NicService } from './nics/service.js';
import { parseRange } from '../../../lib/macpool/mac.js';
import { MacPoolError } from '../../../lib/macpool/errors.js';

let link: LibvirtLink | undefined;
let service: NicService | undefined;

function rangeOf(c: Config, file: string): string {
  const range = `${c.macPool.start}-${c.macPool.end}`;
  try {
    parseRange(range, 'macPool');
  } catch (e) {
    if (e instanceof MacPoolError) throw new ConfigError(file, [{ path: 'macPool', message: e.message }]);
    throw e;
  }
  return range;
}

async function timed<T>(op: 'attach' | 'detach', observe: (op: 'attach' | 'detach', s: number, ok: boolean) => void, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    const v = await fn();
    observe(op, (performance.now() - t0) / 1_000, true);
    return v;
  } catch (e) {
    observe(op, (performance.now() - t0) / 1_000, false);
    throw e;
  }
}

let readyWaitMs = 0;

export const nicsFeature: Feature = {
  name: 'nics',
  register(ctx) {
    const c = ctx.config();
    const range = rangeOf(c, ctx.info.configFile);
    const metrics = createNicMetrics(ctx.metrics);
    const l = new LibvirtLink(c.libvirt.uri, ctx.log, metrics.observeCall);
    const s = new NicService(l, c.stateDir, range, ctx.log);
    link = l;
    service = s;
    readyWaitMs = c.ovn.nb.readyTimeoutSeconds * 1_000;
    metrics.bind(l, s);

    ctx.health.addContributor((status) => {
      const dups = s.duplicates;
      const dupMacs = new Set(dups.map((d) => d.mac));
      const message =
        l.state !== 'connected'
          ? l.message
          : dups.length > 0
            ? `${dups.length} duplicate MAC address${dups.length === 1 ? '' : 'es'} on this host: ${dups.map((d) => `${d.mac} (${d.holders.join(', ')})`).join('; ')}`
            : undefined;
      status.libvirt = { state: l.state, uri: l.uri, ...(message === undefined ? {} : { message }) };
      status.nics = s.nics.map((n) => ({ vm: n.domain, mac: n.mac, link: n.source, mode: n.mode, state: n.state, ...(dupMacs.has(n.mac) ? { duplicate: true } : {}) }));
    });
    const update = (): void => {
      ctx.health.update();
    };
    l.on('up', update);
    l.on('down', update);
    s.on('changed', update);
    s.on('rebuilt', update);

    ctx.methods.register(nicAttachMethod, (p) => timed('attach', metrics.observeOperation, () => s.attach(p)));
    ctx.methods.register(nicDetachMethod, (p) => timed('detach', metrics.observeOperation, () => s.detach(p)));
    ctx.methods.register(nicListMethod, async (p) => ({ nics: await s.list(p.domain) }));
    ctx.methods.register(nicPoolMethod, () => s.poolStatus());
    l.start();
  },
  reload(config) {
    if (service === undefined) return;
    try {
      service.setRange(`${config.macPool.start}-${config.macPool.end}`);
    } catch {
      // an unusable range keeps the running one (the loader checked the pattern; the order is checked at start)
    }
  },
  async stop() {
    service?.stop();
    await link?.stop();
  },
  /**
   * READY waits for the first connection attempt to libvirt too (bounded like the NB's wait): it
   * ends at once when no libvirtd runs, and READY's STATUS then says `libvirt disconnected`.
   */
  async preflight() {
    await link?.waitFirstAttempt(readyWaitMs);
  },
};
