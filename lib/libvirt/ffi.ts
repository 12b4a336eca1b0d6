// The koffi declarations of libvirt.so.0, for the two workers only: the main thread never loads
// this module (docs/libvirt.md#two-workers-and-no-ffi-on-the-main-thread). koffi's own types are
// loose (`any`); every function is cast once here to a precise signature, and pointers are BigInt
// (koffi 3), null for NULL.
import koffi from 'koffi';
import type { LibraryHandle } from 'koffi';

export type Ptr = bigint;

const lib = koffi.load('libvirt.so.0');
const libc = koffi.load('libc.so.6');

koffi.opaque('virConnect');
koffi.opaque('virDomain');

// koffi calls with whatever it is given; `F` is the signature the definition string declares, and
// narrowing to it is the one claim made about each function.
function fn<F extends (...args: never[]) => unknown>(lib0: LibraryHandle, definition: string): F {
  const loose: (...args: never[]) => unknown = lib0.func(definition);
  return loose as F;
}

const free = fn<(p: Ptr | null) => void>(libc, 'void free(void *p)');
// Strings libvirt hands over to the caller: koffi copies them into a JS string, then calls free().
koffi.disposable('virHeapStr', 'const char *', libc.func('void free(void *p)'));

const VirError = koffi.struct('virError', {
  code: 'int',
  domain: 'int',
  message: 'const char *',
  level: 'int',
  conn: 'void *',
  dom: 'void *',
  str1: 'const char *',
  str2: 'const char *',
  str3: 'const char *',
  int1: 'int',
  int2: 'int',
  net: 'void *',
});

interface RawVirError {
  code: number;
  domain: number;
  message: string | null;
  level: number;
  str1: string | null;
  str2: string | null;
  str3: string | null;
  int1: number;
  int2: number;
}

export const v = {
  free,
  // errors (thread-local in libvirt)
  virGetLastError: fn<() => Ptr | null>(lib, 'void *virGetLastError(void)'),
  virResetLastError: fn<() => void>(lib, 'void virResetLastError(void)'),
  virSetErrorFunc: fn<(userData: Ptr | null, handler: Ptr | null) => void>(lib, 'void virSetErrorFunc(void *userData, void *handler)'),
  // event loop
  virEventRegisterDefaultImpl: fn<() => number>(lib, 'int virEventRegisterDefaultImpl(void)'),
  virEventRunDefaultImpl: fn<() => number>(lib, 'int virEventRunDefaultImpl(void)'),
  virEventAddTimeout: fn<(timeout: number, cb: Ptr, opaque: Ptr | null, ff: Ptr | null) => number>(
    lib,
    'int virEventAddTimeout(int timeout, void *cb, void *opaque, void *ff)',
  ),
  virEventUpdateTimeout: fn<(timer: number, timeout: number) => void>(lib, 'void virEventUpdateTimeout(int timer, int timeout)'),
  virEventRemoveTimeout: fn<(timer: number) => number>(lib, 'int virEventRemoveTimeout(int timer)'),
  // connection
  virConnectOpen: fn<(uri: string) => Ptr | null>(lib, 'virConnect *virConnectOpen(const char *name)'),
  virConnectClose: fn<(conn: Ptr) => number>(lib, 'int virConnectClose(virConnect *conn)'),
  virConnectIsAlive: fn<(conn: Ptr) => number>(lib, 'int virConnectIsAlive(virConnect *conn)'),
  virConnectSetKeepAlive: fn<(conn: Ptr, interval: number, count: number) => number>(
    lib,
    'int virConnectSetKeepAlive(virConnect *conn, int interval, unsigned int count)',
  ),
  virConnectGetLibVersion: fn<(conn: Ptr, out: [number]) => number>(lib, 'int virConnectGetLibVersion(virConnect *conn, _Out_ unsigned long *libVer)'),
  virConnectGetVersion: fn<(conn: Ptr, out: [number]) => number>(lib, 'int virConnectGetVersion(virConnect *conn, _Out_ unsigned long *hvVer)'),
  virConnectRegisterCloseCallback: fn<(conn: Ptr, cb: Ptr, opaque: Ptr | null, freecb: Ptr | null) => number>(
    lib,
    'int virConnectRegisterCloseCallback(virConnect *conn, void *cb, void *opaque, void *freecb)',
  ),
  virConnectUnregisterCloseCallback: fn<(conn: Ptr, cb: Ptr) => number>(lib, 'int virConnectUnregisterCloseCallback(virConnect *conn, void *cb)'),
  virConnectDomainEventRegisterAny: fn<(conn: Ptr, dom: Ptr | null, eventId: number, cb: Ptr, opaque: Ptr | null, freecb: Ptr | null) => number>(
    lib,
    'int virConnectDomainEventRegisterAny(virConnect *conn, virDomain *dom, int eventID, void *cb, void *opaque, void *freecb)',
  ),
  virConnectDomainEventDeregisterAny: fn<(conn: Ptr, callbackId: number) => number>(
    lib,
    'int virConnectDomainEventDeregisterAny(virConnect *conn, int callbackID)',
  ),
  virConnectListAllDomains: fn<(conn: Ptr, out: [Ptr | null], flags: number) => number>(
    lib,
    'int virConnectListAllDomains(virConnect *conn, _Out_ void **domains, unsigned int flags)',
  ),
  // domains
  virDomainLookupByName: fn<(conn: Ptr, name: string) => Ptr | null>(lib, 'virDomain *virDomainLookupByName(virConnect *conn, const char *name)'),
  virDomainLookupByUUIDString: fn<(conn: Ptr, uuid: string) => Ptr | null>(
    lib,
    'virDomain *virDomainLookupByUUIDString(virConnect *conn, const char *uuid)',
  ),
  virDomainDefineXML: fn<(conn: Ptr, xml: string) => Ptr | null>(lib, 'virDomain *virDomainDefineXML(virConnect *conn, const char *xml)'),
  virDomainUndefineFlags: fn<(dom: Ptr, flags: number) => number>(lib, 'int virDomainUndefineFlags(virDomain *dom, unsigned int flags)'),
  virDomainCreate: fn<(dom: Ptr) => number>(lib, 'int virDomainCreate(virDomain *dom)'),
  virDomainDestroy: fn<(dom: Ptr) => number>(lib, 'int virDomainDestroy(virDomain *dom)'),
  virDomainSuspend: fn<(dom: Ptr) => number>(lib, 'int virDomainSuspend(virDomain *dom)'),
  virDomainResume: fn<(dom: Ptr) => number>(lib, 'int virDomainResume(virDomain *dom)'),
  virDomainGetState: fn<(dom: Ptr, state: [number], reason: [number], flags: number) => number>(
    lib,
    'int virDomainGetState(virDomain *dom, _Out_ int *state, _Out_ int *reason, unsigned int flags)',
  ),
  virDomainGetXMLDesc: fn<(dom: Ptr, flags: number) => string | null>(lib, 'virHeapStr virDomainGetXMLDesc(virDomain *dom, unsigned int flags)'),
  virDomainAttachDeviceFlags: fn<(dom: Ptr, xml: string, flags: number) => number>(
    lib,
    'int virDomainAttachDeviceFlags(virDomain *dom, const char *xml, unsigned int flags)',
  ),
  virDomainDetachDeviceFlags: fn<(dom: Ptr, xml: string, flags: number) => number>(
    lib,
    'int virDomainDetachDeviceFlags(virDomain *dom, const char *xml, unsigned int flags)',
  ),
  virDomainUpdateDeviceFlags: fn<(dom: Ptr, xml: string, flags: number) => number>(
    lib,
    'int virDomainUpdateDeviceFlags(virDomain *dom, const char *xml, unsigned int flags)',
  ),
  virDomainFree: fn<(dom: Ptr) => number>(lib, 'int virDomainFree(virDomain *dom)'),
  /** Owned by libvirt: not freed. Local (no RPC). */
  virDomainGetName: fn<(dom: Ptr) => string | null>(lib, 'const char *virDomainGetName(virDomain *dom)'),
  virDomainGetUUIDString: fn<(dom: Ptr, buf: Buffer) => number>(lib, 'int virDomainGetUUIDString(virDomain *dom, _Out_ uint8_t *buf)'),
  virDomainGetID: fn<(dom: Ptr) => number>(lib, 'unsigned int virDomainGetID(virDomain *dom)'),
};

/** libvirt's own no-op used as error handler: silences the default printing to stderr. */
export function silenceLibvirtStderr(): void {
  // libvirt calls handler(userData, err) = virResetError(NULL), which does nothing. A native
  // function, because a JS handler would be called on whichever thread failed
  // (docs/libvirt.md#errors-are-per-thread).
  v.virSetErrorFunc(null, koffi.address(lib.symbol('virResetError')));
}

/** The calling thread's last libvirt error, copied, then reset (must run right after the call). */
export function takeLastError(): RawVirError | undefined {
  const p = v.virGetLastError();
  if (p === null) return undefined;
  const e = koffi.decode(p, VirError) as RawVirError;
  v.virResetLastError();
  return e;
}

const uuidBuf = Buffer.alloc(37);

/** Name and UUID string of a virDomain (both local to the object, no RPC). */
export function domainIdentity(dom: Ptr): { name: string; uuid: string } {
  const name = v.virDomainGetName(dom) ?? '';
  uuidBuf.fill(0);
  const uuid = v.virDomainGetUUIDString(dom, uuidBuf) === 0 ? uuidBuf.toString('latin1', 0, 36) : '';
  return { name, uuid };
}

/** The `virDomain *` array virConnectListAllDomains returned, as pointers; frees the array itself. */
export function takeDomainArray(array: Ptr, count: number): Ptr[] {
  const ptrs = count > 0 ? (koffi.decode(array, koffi.array('void *', count)) as Ptr[]) : [];
  free(array);
  return ptrs;
}

/** Typed wrappers for koffi.register / unregister with the callback prototypes libvirt uses. */
const LifecycleProto = koffi.proto('int virConnectDomainEventCallback(virConnect *conn, virDomain *dom, int event, int detail, void *opaque)');
const DeviceAliasProto = koffi.proto('void virConnectDomainEventDeviceAliasCallback(virConnect *conn, virDomain *dom, const char *devAlias, void *opaque)');
const CloseProto = koffi.proto('void virConnectCloseFunc(virConnect *conn, int reason, void *opaque)');
const TimeoutProto = koffi.proto('void virEventTimeoutCallback(int timer, void *opaque)');

export const callbacks = {
  lifecycle: (f: (conn: Ptr, dom: Ptr, event: number, detail: number, opaque: Ptr | null) => number): Ptr =>
    koffi.register(f, koffi.pointer(LifecycleProto)),
  deviceAlias: (f: (conn: Ptr, dom: Ptr, alias: string | null, opaque: Ptr | null) => void): Ptr =>
    koffi.register(f, koffi.pointer(DeviceAliasProto)),
  close: (f: (conn: Ptr, reason: number, opaque: Ptr | null) => void): Ptr => koffi.register(f, koffi.pointer(CloseProto)),
  timeout: (f: (timer: number, opaque: Ptr | null) => void): Ptr => koffi.register(f, koffi.pointer(TimeoutProto)),
  unregister: (p: Ptr): void => koffi.unregister(p),
};
