// /metrics of the NIC feature, on the daemon's registry: libvirt call latency and errors, the
// connection, NICs by kind and mode, the MAC pool and the duplicates its rebuilds found.
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import type { CallObserver, LibvirtLink } from './libvirt-link.js';
import type { NicService } from './service.js';

export interface NicMetrics {
  observeCall: CallObserver;
  observeOperation: (op: 'attach' | 'detach', seconds: number, ok: boolean) => void;
  bind: (link: LibvirtLink, service: NicService) => void;
}

export function createNicMetrics(registry: Registry): NicMetrics {
  const calls = new Histogram({
    name: 'hvnet_libvirt_call_duration_seconds',
    help: 'libvirt calls made by hvnetd, from the call to its answer.',
    labelNames: ['call', 'result'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'hvnet_libvirt_call_errors_total',
    help: 'Failed libvirt calls, by call and error code.',
    labelNames: ['call', 'code'],
    registers: [registry],
  });
  const ops = new Histogram({
    name: 'hvnet_nic_operation_duration_seconds',
    help: 'nic.attach / nic.detach requests, end to end (checks, libvirt calls, confirmation).',
    labelNames: ['op', 'result'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const reconnects = new Counter({ name: 'hvnet_libvirt_reconnects_total', help: 'Reconnections to libvirtd after a loss.', registers: [registry] });
  const dupFound = new Counter({
    name: 'hvnet_macpool_duplicates_found_total',
    help: 'Duplicate MACs found on this host by MAC pool rebuilds (each rebuild counts what it finds).',
    registers: [registry],
  });
  let link: LibvirtLink | undefined;
  let service: NicService | undefined;
  new Gauge({
    name: 'hvnet_libvirt_connected',
    help: '1 while hvnetd is connected to libvirtd.',
    registers: [registry],
    collect() {
      this.set(link?.state === 'connected' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'hvnet_nics',
    help: 'NICs of the domains of this host, by kind (macvtap), mode and where they are (live, config, live+config).',
    labelNames: ['kind', 'mode', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      // Every NIC hvnet manages today is a macvtap one; the label is there for the kinds to come.
      for (const n of service?.nics ?? []) this.inc({ kind: 'macvtap', mode: n.mode, state: n.state });
    },
  });
  new Gauge({
    name: 'hvnet_macpool_allocated',
    help: 'MACs the pool knows as in use.',
    registers: [registry],
    collect() {
      this.set(service?.allocated ?? 0);
    },
  });
  new Gauge({
    name: 'hvnet_macpool_duplicate_macs',
    help: 'MACs found on more than one NIC of this host at the last rebuild.',
    registers: [registry],
    collect() {
      this.set(service?.duplicates.length ?? 0);
    },
  });
  return {
    observeCall: (call, seconds, errorCode) => {
      calls.observe({ call, result: errorCode === undefined ? 'ok' : 'error' }, seconds);
      if (errorCode !== undefined) errors.inc({ call, code: errorCode });
    },
    observeOperation: (op, seconds, ok) => {
      ops.observe({ op, result: ok ? 'ok' : 'error' }, seconds);
    },
    bind: (l, s) => {
      link = l;
      service = s;
      let first = true;
      l.on('up', () => {
        if (!first) reconnects.inc();
        first = false;
      });
      s.on('rebuilt', (dups) => dupFound.inc(dups.length));
    },
  };
}
