// Required host links, read from /sys/class/net: three small files per link, cheap enough to
// poll twice a second, which sees a link going down or its MTU lowered well within the 2 s the
// host status promises (netlink events would be faster, but need a binding for little gain).
import { readFile } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import type { LinkStatus } from '../../api/status.js';

const IFF_UP = 0x1;

export interface RequiredLink {
  name: string;
  minMtu?: number;
}

export interface LinkFacts {
  operstate: string;
  flags: number;
  mtu: number;
}

/**
 * Up = administratively up and the kernel says it carries traffic. `unknown` counts as up: it is
 * what drivers without operational state (lo, tun, some virtual links) report while up.
 */
export function linkStatus(required: RequiredLink, facts: LinkFacts | undefined): LinkStatus {
  if (!facts) {
    const s: LinkStatus = { name: required.name, present: false, up: false, ok: false };
    if (required.minMtu !== undefined) s.minMtu = required.minMtu;
    return s;
  }
  const adminUp = (facts.flags & IFF_UP) !== 0;
  const up = adminUp && (facts.operstate === 'up' || facts.operstate === 'unknown');
  const mtuOk = required.minMtu === undefined || facts.mtu >= required.minMtu;
  const s: LinkStatus = { name: required.name, present: true, up, operstate: facts.operstate, mtu: facts.mtu, ok: up && mtuOk };
  if (required.minMtu !== undefined) s.minMtu = required.minMtu;
  return s;
}

export async function readLinkFacts(name: string, root = '/sys/class/net'): Promise<LinkFacts | undefined> {
  try {
    const [operstate, flags, mtu] = await Promise.all(
      ['operstate', 'flags', 'mtu'].map((f) => readFile(`${root}/${name}/${f}`, 'utf8')),
    );
    return { operstate: (operstate ?? '').trim(), flags: Number.parseInt((flags ?? '0').trim(), 16), mtu: Number((mtu ?? '0').trim()) };
  } catch {
    return undefined; // gone, or vanished between two reads: the next poll tells
  }
}

export class LinkWatcher extends EventEmitter<{ change: [LinkStatus[]] }> {
  private timer: NodeJS.Timeout | undefined;
  private current: LinkStatus[] = [];
  private polling = false;

  constructor(
    private required: readonly RequiredLink[],
    private intervalMs: number,
  ) {
    super();
  }

  get links(): LinkStatus[] {
    return this.current;
  }

  async start(): Promise<void> {
    await this.poll();
    this.schedule();
  }

  reconfigure(required: readonly RequiredLink[], intervalMs: number): Promise<void> {
    this.required = required;
    this.intervalMs = intervalMs;
    this.schedule();
    return this.poll();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const next = await Promise.all(this.required.map(async (r) => linkStatus(r, await readLinkFacts(r.name))));
      if (JSON.stringify(next) !== JSON.stringify(this.current)) {
        this.current = next;
        this.emit('change', next);
      }
    } finally {
      this.polling = false;
    }
  }
}
