// OVSDB remotes as OVS writes them (`ovn-nbctl --db=...`, `OVN_NB_DB`, `external_ids:ovn-remote`).
// Only active (client) forms are accepted: a passive `ptcp:`/`punix:`/`pssl:` remote in a client's
// configuration is always a copy-paste from a server command line, and failing early says so.
import { isIPv4, isIPv6 } from 'node:net';
import { InvalidRemoteError } from './errors.js';

/** Key material for `ssl:` remotes. OVS passes these as separate options, never in the remote string. */
export interface SslFiles {
  privateKey: string;
  certificate: string;
  caCertificate: string;
}

export interface UnixRemote {
  kind: 'unix';
  path: string;
}

export interface TcpRemote {
  kind: 'tcp';
  host: string;
  port: number;
  family: 4 | 6;
}

export interface SslRemote {
  kind: 'ssl';
  host: string;
  port: number;
  family: 4 | 6;
  ssl: SslFiles;
}

export type Remote = UnixRemote | TcpRemote | SslRemote;

export interface RemoteOptions {
  /** Required as soon as one remote is `ssl:`. */
  ssl?: SslFiles;
}

const PASSIVE = /^p(tcp|unix|ssl):/;

export function parseRemote(text: string, options: RemoteOptions = {}): Remote {
  if (text.trim() === '') throw new InvalidRemoteError(text, 'empty remote');
  if (text !== text.trim()) throw new InvalidRemoteError(text, 'leading or trailing whitespace');
  if (PASSIVE.test(text)) {
    throw new InvalidRemoteError(text, `${text.slice(0, text.indexOf(':'))}: is a passive (listening) remote, a client needs an active one`);
  }
  const colon = text.indexOf(':');
  const scheme = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  switch (scheme) {
    case 'unix':
      if (rest === '') throw new InvalidRemoteError(text, 'unix: needs a socket path');
      return { kind: 'unix', path: rest };
    case 'tcp': {
      const { host, port, family } = parseHostPort(text, rest);
      return { kind: 'tcp', host, port, family };
    }
    case 'ssl': {
      const { host, port, family } = parseHostPort(text, rest);
      const ssl = options.ssl;
      if (ssl === undefined) {
        throw new InvalidRemoteError(text, 'ssl: needs privateKey, certificate and caCertificate files in the options');
      }
      for (const key of ['privateKey', 'certificate', 'caCertificate'] as const) {
        if (ssl[key] === '') throw new InvalidRemoteError(text, `ssl: option ${key} is empty`);
      }
      return { kind: 'ssl', host, port, family, ssl: { ...ssl } };
    }
    default:
      throw new InvalidRemoteError(text, colon < 0 ? 'no scheme' : `unknown scheme ${JSON.stringify(scheme)}`);
  }
}

/** A comma-separated list, as given to `--db=` for a clustered database. */
export function parseRemotes(list: string, options: RemoteOptions = {}): Remote[] {
  if (list.trim() === '') throw new InvalidRemoteError(list, 'empty remote list');
  // OVS itself splits on commas and ignores blanks around them.
  return list.split(',').map((part) => parseRemote(part.trim(), options));
}

export function formatRemote(remote: Remote): string {
  switch (remote.kind) {
    case 'unix':
      return `unix:${remote.path}`;
    case 'tcp':
    case 'ssl':
      return `${remote.kind}:${remote.family === 6 ? `[${remote.host}]` : remote.host}:${remote.port}`;
  }
}

export function formatRemotes(remotes: readonly Remote[]): string {
  return remotes.map(formatRemote).join(',');
}

function parseHostPort(text: string, rest: string): { host: string; port: number; family: 4 | 6 } {
  let host: string;
  let portText: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new InvalidRemoteError(text, 'unterminated [IPv6] address');
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (!after.startsWith(':')) throw new InvalidRemoteError(text, 'missing :PORT after the [IPv6] address');
    portText = after.slice(1);
    if (!isIPv6(host)) throw new InvalidRemoteError(text, `${JSON.stringify(host)} is not an IPv6 address`);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon < 0) throw new InvalidRemoteError(text, 'missing :PORT');
    host = rest.slice(0, colon);
    portText = rest.slice(colon + 1);
    if (isIPv6(host)) throw new InvalidRemoteError(text, 'an IPv6 address must be written in brackets: [ADDRESS]:PORT');
    if (!isIPv4(host)) throw new InvalidRemoteError(text, `${JSON.stringify(host)} is not an IPv4 address (host names are not resolved)`);
  }
  if (!/^[0-9]{1,5}$/.test(portText)) throw new InvalidRemoteError(text, `port ${JSON.stringify(portText)} is not a number 1-65535`);
  const port = Number(portText);
  if (port < 1 || port > 65535) throw new InvalidRemoteError(text, `port ${port} is outside 1-65535`);
  return { host, port, family: rest.startsWith('[') ? 6 : 4 };
}
