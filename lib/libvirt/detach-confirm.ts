// A live detach that reports success only once the guest has released the device: libvirt's
// detach call returns when the request is sent (docs/libvirt.md#detach-returns-before-the-device-is-gone).
import type { EventEmitter } from 'node:events';
import { DeviceModify } from './constants.js';
import { DeviceNotFoundError, DeviceNotReleasedError, DeviceRemovalFailedError, LibvirtWorkerError } from './errors.js';
import { aliasForMac, aliasFromDeviceXml, macFromDeviceXml } from './device-alias.js';
import type { CallOptions } from './connection-options.js';
import type { DeviceEvent, LibvirtConnectionEvents } from './connection-events.js';
import type { DomainRef } from './protocol.js';

export interface DetachAndConfirmOptions {
  /** How long the guest gets to release the device, ms. Default 10000. */
  timeoutMs?: number;
  /** Alias to wait for; default: the XML's `<alias name>`, else the live NIC with the XML's MAC. */
  alias?: string;
  /** Default LIVE. LIVE|CONFIG also removes it from the persistent definition. */
  flags?: number;
}

export interface DetachResult {
  readonly alias: string;
  /** From sending the detach to DEVICE_REMOVED. */
  readonly ms: number;
}

/** The part of a LibvirtConnection a confirmed detach uses. */
export interface DetachConnection extends Pick<EventEmitter<LibvirtConnectionEvents>, 'on' | 'off'> {
  getDomainXml(dom: DomainRef, flags: number, opts?: CallOptions): Promise<string>;
  detachDevice(dom: DomainRef, xml: string, flags: number, opts?: CallOptions): Promise<void>;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** See LibvirtConnection.detachAndConfirm; `callTimeoutMs` is the connection's default deadline. */
export async function confirmDetach(
  conn: DetachConnection,
  dom: DomainRef,
  xml: string,
  opts: DetachAndConfirmOptions,
  callTimeoutMs: number,
): Promise<DetachResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const flags = opts.flags ?? DeviceModify.LIVE;
  let alias = opts.alias ?? aliasFromDeviceXml(xml);
  if (alias === undefined) {
    const mac = macFromDeviceXml(xml);
    if (mac === undefined) throw new DeviceNotFoundError('the detach XML (it has neither <alias> nor <mac>)', dom);
    alias = aliasForMac(await conn.getDomainXml(dom, 0), mac);
    if (alias === undefined) throw new DeviceNotFoundError(`MAC ${mac}`, dom);
  }
  const wanted = alias;
  const started = performance.now();
  return new Promise<DetachResult>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, result?: DetachResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.off('deviceRemoved', onRemoved);
      conn.off('deviceRemovalFailed', onFailed);
      conn.off('reconnected', onReconnected);
      if (err !== undefined) reject(err);
      else if (result !== undefined) resolve(result);
    };
    const mine = (e: DeviceEvent): boolean => e.alias === wanted && e.domain.uuid === dom.uuid;
    const onRemoved = (e: DeviceEvent): void => {
      if (mine(e)) finish(undefined, { alias: wanted, ms: performance.now() - started });
    };
    const onFailed = (e: DeviceEvent): void => {
      if (mine(e)) finish(new DeviceRemovalFailedError(wanted, dom));
    };
    // Events of the broken connection may be lost: look at the live XML instead.
    const onReconnected = (): void => {
      conn.getDomainXml(dom, 0).then(
        (live) => {
          if (!new RegExp(`<alias\\s+name=['"]${escapeRegExp(wanted)}['"]`).test(live)) {
            finish(undefined, { alias: wanted, ms: performance.now() - started });
          }
        },
        () => undefined,
      );
    };
    // Registered before the detach is sent: the event can arrive ~1 ms before the call returns.
    conn.on('deviceRemoved', onRemoved);
    conn.on('deviceRemovalFailed', onFailed);
    conn.on('reconnected', onReconnected);
    const timer = setTimeout(() => finish(new DeviceNotReleasedError(wanted, timeoutMs, dom)), timeoutMs);
    conn
      .detachDevice(dom, xml, flags, { timeoutMs: Math.max(callTimeoutMs, timeoutMs) })
      .catch((e: unknown) => finish(e instanceof Error ? e : new LibvirtWorkerError(String(e), e)));
  });
}
