// What the main thread and the two workers say to each other. Internal to lib/libvirt.
//
// Requests: main appends each call to the request ring (request-ring.ts: the common calls whole,
// others as a WorkerRequest posted on a MessagePort), then bumps ctrl[REQ_SEQ] and notifies; the
// request worker, blocked in Atomics.wait on that word (never in its own event loop), takes the
// ring's entries in order (a posted one with receiveMessageOnPort), runs each call and posts a
// WorkerReply back on the port.
// That saves the receiving side's event-loop hop on every call (see the bench in bench/nic).
// ctrl[CURRENT] holds the id of the request libvirt is executing (0: none), so a deadline that
// passes can tell "in flight" from "still queued".

import type { MessagePort } from 'node:worker_threads';

export const CTRL_REQ_SEQ = 0;
export const CTRL_CURRENT = 1;
export const CTRL_WORDS = 2;

/** A domain as the binding names it: libvirt looks it up by UUID; the name is for messages. */
export interface DomainRef {
  readonly name: string;
  readonly uuid: string;
}

export interface DomainInfo extends DomainRef {
  /** libvirt's id while running, -1 when shut off. */
  readonly id: number;
}

export interface DomainStateInfo {
  /** virDomainState number. */
  readonly state: number;
  /** virDomain*Reason number for that state. */
  readonly reason: number;
}

export interface ConnectArgs {
  uri: string;
  /** Connection generation: passed to every callback as its opaque pointer. */
  gen: number;
  keepAlive: { intervalS: number; count: number } | undefined;
}

/** Operations of the request worker: arguments and result. */
export interface Ops {
  connect: { args: [ConnectArgs]; result: null };
  disconnect: { args: []; result: null };
  /** Adds the wake-up timer so the event worker's loop sees its stop flag (after delayMs: test hook). */
  wakeEventLoop: { args: [delayMs: number]; result: null };
  getLibVersion: { args: []; result: number };
  getVersion: { args: []; result: number };
  isAlive: { args: []; result: boolean };
  lookupByName: { args: [name: string]; result: DomainInfo };
  lookupByUUID: { args: [uuid: string]; result: DomainInfo };
  listAll: { args: [flags: number]; result: DomainInfo[] };
  define: { args: [xml: string]; result: DomainInfo };
  undefine: { args: [flags: number]; result: null };
  create: { args: []; result: null };
  destroy: { args: []; result: null };
  suspend: { args: []; result: null };
  resume: { args: []; result: null };
  getState: { args: []; result: DomainStateInfo };
  getXMLDesc: { args: [flags: number]; result: string };
  attachDevice: { args: [xml: string, flags: number]; result: null };
  detachDevice: { args: [xml: string, flags: number]; result: null };
  updateDevice: { args: [xml: string, flags: number]; result: null };
}
export type OpName = keyof Ops;

export interface WorkerRequest {
  id: number;
  op: OpName;
  args: readonly unknown[];
  /** Date.now() after which the worker skips the request (the caller was already told). */
  deadline: number;
  /** For operations on a domain. */
  dom?: DomainRef;
}

export interface CallFailure {
  kind: 'call';
  fn: string;
  virCode: number;
  virDomain: number;
  message: string;
  level: number;
  str1?: string;
  str2?: string;
  str3?: string;
  int1?: number;
  int2?: number;
  /** virConnectIsAlive said the connection is gone (or the error says so). */
  disconnected: boolean;
}

export type WorkerFailure =
  | CallFailure
  | { kind: 'notConnected' }
  | { kind: 'expired' }
  | { kind: 'internal'; message: string; stack?: string };

export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WorkerFailure };

/** Callback pointers the event worker registered (koffi.register), handed to the request worker. */
export interface CallbackPointers {
  lifecycle: bigint;
  deviceRemoved: bigint;
  /** VIR_DOMAIN_EVENT_ID_DEVICE_ADDED (same callback type as DEVICE_REMOVED). */
  deviceAdded: bigint;
  deviceRemovalFailed: bigint;
  close: bigint;
  wake: bigint;
}

export interface RequestWorkerData {
  ctrl: SharedArrayBuffer;
  /** The request ring (request-ring.ts). */
  ring: SharedArrayBuffer;
  port: MessagePort;
  callbacks: CallbackPointers;
  /** EventWorkerData.loop of the process's event loop. */
  loop: SharedArrayBuffer;
}

/**
 * EventWorkerData.loop[LOOP_AWAKE]: how many request workers of the process are awake (serving or
 * watching for the next call). While any is, the event worker rests between turns of libvirt's
 * loop instead of waiting in its poll() (docs/libvirt.md#the-event-loop-rests-while-calls-run).
 */
export const LOOP_AWAKE = 0;
/** EventWorkerData.loop[LOOP_TURNS]: bumped (and notified) after every turn of libvirt's loop. */
export const LOOP_TURNS = 1;
export const LOOP_WORDS = 2;

/** Values of EventWorkerData.stop[0]. */
export const STOP_NO = 0;
/** Stop once the wake timer (asked for after this was set) has fired. */
export const STOP_AFTER_WAKE = 1;
/** Stop at the next turn of the loop: no wake timer is coming. */
export const STOP_NOW = 2;

export interface EventWorkerData {
  /** Int32Array[1]: STOP_NO, STOP_AFTER_WAKE or STOP_NOW. */
  stop: SharedArrayBuffer;
  /** Period of the loop's safety timer, ms (bounds how long a callback relayed from another thread waits). */
  tickMs: number;
  /** Int32Array[LOOP_WORDS], shared with every request worker of the process. */
  loop: SharedArrayBuffer;
  /** Longest rest between two turns of libvirt's loop while request workers are awake, ms. */
  restMs: number;
}

export type EventWorkerMessage =
  | { type: 'ready'; callbacks: CallbackPointers }
  | { type: 'lifecycle'; gen: number; name: string; uuid: string; event: number; detail: number }
  | { type: 'deviceRemoved'; gen: number; name: string; uuid: string; alias: string }
  | { type: 'deviceAdded'; gen: number; name: string; uuid: string; alias: string }
  | { type: 'deviceRemovalFailed'; gen: number; name: string; uuid: string; alias: string }
  | { type: 'connectionClosed'; gen: number; reason: number }
  /** A wake timer fired while nobody was stopping the loop (left by an earlier loop). */
  | { type: 'strayWake' }
  | { type: 'stopped' };
