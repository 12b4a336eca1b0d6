// Who is at the other end of an accepted Unix socket connection: the kernel's SO_PEERCRED, read
// with getsockopt(2) through koffi, since Node has no API for it. The socket's budgets are kept
// per uid, and a uid the client cannot choose is the only one worth counting.
import type net from 'node:net';
import koffi from 'koffi';
import type { Logger } from '../logger.js';

export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
}

const SOL_SOCKET = 1;
const SO_PEERCRED = 17;

interface Ucred {
  pid?: number;
  uid?: number;
  gid?: number;
}
type GetSockOpt = (fd: number, level: number, optname: number, optval: Ucred, optlen: [number]) => number;

interface Binding {
  getsockopt: GetSockOpt;
  size: number;
}

function load(log: Logger): Binding | null {
  try {
    const lib = koffi.load('libc.so.6');
    const ucred = koffi.struct('hvnet_ucred', { pid: 'int32', uid: 'uint32', gid: 'uint32' });
    const getsockopt = lib.func('int getsockopt(int fd, int level, int optname, _Out_ hvnet_ucred *optval, _Inout_ uint32_t *optlen)') as GetSockOpt;
    return { getsockopt, size: koffi.sizeof(ucred) };
  } catch (e) {
    log.warn({ err: e }, 'getsockopt from libc.so.6 not loadable: API connections are not told apart by user');
    return null;
  }
}

/**
 * The descriptor behind a connection accepted by a net.Server. Node keeps it on the socket's
 * private libuv handle and offers no public accessor; this is the one place that reaches for it,
 * so a Node release that moves it costs the per-user budgets (every peer then counts as unknown),
 * not a crash.
 */
function descriptorOf(socket: net.Socket): number | undefined {
  const handle: unknown = (socket as unknown as { _handle?: unknown })._handle;
  if (typeof handle !== 'object' || handle === null) return undefined;
  const fd: unknown = (handle as { fd?: unknown }).fd;
  return typeof fd === 'number' && Number.isInteger(fd) && fd >= 0 ? fd : undefined;
}

/** Reads peers' credentials; the libc binding is made on first use and kept by the API server's reader. */
export class PeerCredentialReader {
  private binding: Binding | null | undefined;

  constructor(private readonly log: Logger) {}

  /** The peer's credentials as the kernel recorded them at connect(2); undefined when they cannot be read. */
  read(socket: net.Socket): PeerCredentials | undefined {
    const fd = descriptorOf(socket);
    if (fd === undefined) return undefined;
    if (this.binding === undefined) this.binding = load(this.log);
    const b = this.binding;
    if (!b) return undefined;
    const out: Ucred = {};
    const len: [number] = [b.size];
    if (b.getsockopt(fd, SOL_SOCKET, SO_PEERCRED, out, len) !== 0 || len[0] !== b.size) return undefined;
    const { pid, uid, gid } = out;
    if (typeof pid !== 'number' || typeof uid !== 'number' || typeof gid !== 'number') return undefined;
    return { pid, uid, gid };
  }
}
