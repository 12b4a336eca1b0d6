// The NIC feature: the nic.* methods on the NIC service, and the libvirt connection state and every
// macvtap NIC (with its MAC, which the controller checks across hosts) in the host status.
import { nicAttachMethod, nicDetachMethod, nicListMethod, nicPoolMethod } from '../../api/nics.js';
import type { DaemonContext, Feature } from '../feature.js';

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

export function createNicsFeature(ctx: Pick<DaemonContext, 'methods' | 'health' | 'libvirt' | 'nics' | 'nicMetrics'>): Feature {
  const l = ctx.libvirt;
  const s = ctx.nics;
  const metrics = ctx.nicMetrics;

  ctx.health.addContributor((status) => {
    const dups = s.duplicates;
    const dupMacs = new Set(dups.map((d) => d.mac));
    const message =
      l.state !== 'connected'
        ? l.message
        : dups.length > 0
          ? `${dups.length} duplicate MAC address${dups.length === 1 ? '' : 'es'} on this host: ${dups.map((d) => `${d.mac} (${d.holders.join(', ')})`).join('; ')}`
          : undefined;
    status.libvirt = { state: l.state, uri: l.uri, ...(message === undefined ? {} : { message }), inventory: s.inventoryLoaded ? 'loaded' : 'loading' };
    if (s.events.length > 0) {
      // Another feature's events (drift repairs) may be there: one list, newest last, at most 20.
      status.events = [...(status.events ?? []), ...s.events].sort((a, b) => a.at.localeCompare(b.at)).slice(-20);
    }
    // The summary's schema is the status's: `link` is the macvtap's device or the Linux bridge, `network`
    // the OVN network's PROJECT/NETWORK, `mode` the macvtap's mode or the kind (what reports before
    // `kind` showed); macvtap is `direct` there, as libvirt calls it.
    status.nics = s.nics.map((n) => ({
      vm: n.domain,
      mac: n.mac,
      kind: n.kind === 'macvtap' ? 'direct' : n.kind,
      ...(n.kind === 'network' ? { network: n.network ?? '', addresses: n.addresses ?? [] } : {}),
      ...(n.kind !== 'network' && (n.source ?? n.bridge) !== undefined ? { link: n.source ?? n.bridge } : {}),
      mode: n.mode ?? n.kind,
      state: n.state,
      ...(dupMacs.has(n.mac) ? { duplicate: true } : {}),
    }));
  });
  const update = (): void => {
    ctx.health.update();
  };
  l.on('up', update);
  l.on('down', update);
  s.on('changed', update);
  s.on('rebuilt', update);

  ctx.methods.register(nicAttachMethod, (p, rc) => timed('attach', metrics.observeOperation, () => s.attach(p, rc)));
  ctx.methods.register(nicDetachMethod, (p, rc) => timed('detach', metrics.observeOperation, () => s.detach(p, rc)));
  ctx.methods.register(nicListMethod, async (p) => ({ nics: await s.list(p.domain) }));
  ctx.methods.register(nicPoolMethod, () => s.poolStatus());

  return {
    name: 'nics',
    reload(config) {
      try {
        s.setRange(`${config.macPool.start}-${config.macPool.end}`);
      } catch {
        // an unusable range keeps the running one (the loader checked the pattern; the order is checked at start)
      }
    },
  };
}
