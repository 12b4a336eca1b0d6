// The events a LibvirtConnection emits, and what each carries.
import type { CloseReasonName, LifecycleEventName } from './constants.js';
import type { LibvirtError, LibvirtTimeoutError, LibvirtWorkerError } from './errors.js';
import type { DomainRef } from './protocol.js';

export interface LifecycleEvent {
  readonly domain: DomainRef;
  /** virDomainEventType number and name (started, suspended, resumed, stopped, …). */
  readonly event: number;
  readonly eventName: LifecycleEventName;
  /** virDomainEvent*DetailType number, meaning depends on `event`. */
  readonly detail: number;
}

export interface DeviceEvent {
  readonly domain: DomainRef;
  /** Device alias (`net0`, `ua-hvnet-…`). */
  readonly alias: string;
}

export interface DisconnectedEvent {
  /** virConnectCloseReason name when libvirt's close callback said so, `call` when a call failed. */
  readonly reason: CloseReasonName | 'call';
  readonly detail: string;
}

export interface ReconnectedEvent {
  readonly attempts: number;
  readonly downMs: number;
}

export interface ReconnectFailedEvent {
  readonly attempt: number;
  readonly error: LibvirtError;
  readonly nextDelayMs: number;
}

export interface LibvirtConnectionEvents {
  lifecycle: [LifecycleEvent];
  deviceRemoved: [DeviceEvent];
  /** A device was hot-plugged (by this or any other client): DEVICE_ADDED. */
  deviceAdded: [DeviceEvent];
  deviceRemovalFailed: [DeviceEvent];
  disconnected: [DisconnectedEvent];
  reconnected: [ReconnectedEvent];
  reconnectFailed: [ReconnectFailedEvent];
  callTimeout: [LibvirtTimeoutError];
  workerFailed: [LibvirtWorkerError];
  closed: [];
}
