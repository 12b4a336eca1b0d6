// hvnet-controller's HTTP(S) API: hosts POST reports, operators GET the fleet. Every request needs
// a bearer token (reads not with --open-reads); a host's report needs that host's own token from
// the tokens file, or the shared token of a lab. Reports are checked against the report schema
// before anything is stored.
import http from 'node:http';
import https from 'node:https';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { REPORT_VERSION, ReportSchema, ReportV1Schema, ReportV2Schema, reportFromV1, reportFromV2 } from '../api/report.js';
import type { FullReport, Report, ReportAck } from '../api/report.js';
import type { HostStore } from './store.js';
import { fleet, hostView, pageOf } from './fleet.js';
import { fleetPage } from './html.js';
import { tokenEquals } from './tokens.js';
import type { TokensFile } from './tokens.js';
import type { Logger } from '../logger.js';

export interface ControllerOptions {
  /** The shared token: any host may report as any host with it (a lab), and it reads. */
  token?: string;
  /** Per-host tokens: a host reports only as itself; any of them reads. */
  tokens?: TokensFile;
  /**
   * Serve the read-only routes (the fleet page, GET /v1/hosts…) without a token: for a lab on
   * loopback, where a browser cannot send a bearer header. Reports always need the token.
   */
  openReads?: boolean;
  tls?: { cert: Buffer; key: Buffer };
  maxBodyBytes?: number;
}

const HOST_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createControllerServer(store: HostStore, options: ControllerOptions, log: Logger): http.Server {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    route(req, store, options, log).then(
      (r) => {
        res.writeHead(r.status, { 'content-type': r.type, 'cache-control': 'no-store' }).end(r.body);
      },
      (e: unknown) => {
        const status = e instanceof HttpError ? e.status : 500;
        if (status === 500) log.error({ err: e }, 'controller request failed');
        res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify({ error: (e as Error).message })}\n`);
      },
    );
  };
  return options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
}

interface Reply {
  status: number;
  type: string;
  body: string;
}

const json = (value: unknown, status = 200): Reply => ({ status, type: 'application/json', body: `${JSON.stringify(value)}\n` });

async function route(req: http.IncomingMessage, store: HostStore, options: ControllerOptions, log: Logger): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;
  if (req.method === 'GET' && path === '/healthz') return { status: 200, type: 'text/plain', body: 'ok\n' };
  const report = /^\/v1\/hosts\/([^/]+)\/status$/.exec(path);
  if (report) {
    if (req.method !== 'POST') throw new HttpError(405, 'POST a report here');
    const host = decodeURIComponent(report[1] ?? '');
    if (!HOST_RE.test(host)) throw new HttpError(404, 'no such host id');
    authorizeReport(req, host, options);
    const body = await readBody(req, options.maxBodyBytes ?? 16 * 1024 * 1024);
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      throw new HttpError(400, 'body is not JSON');
    }
    const r = checkReport(value);
    if (r.host !== host) throw new HttpError(400, `report of host ${r.host} posted for ${host}`);
    const result = await store.accept(r);
    log.info({ host, stream: r.stream, sequence: r.sequence, reason: r.reason, state: r.status.state, duplicate: result.duplicate, resync: result.resync }, 'report');
    const ack: ReportAck = result;
    return json(ack);
  }
  if (req.method !== 'GET') throw new HttpError(405, 'read-only here');
  if (!options.openReads) authorizeRead(req, options);
  const page = (name: string): number => Number.parseInt(url.searchParams.get(name) ?? '1', 10) || 1;
  if (path === '/v1/hosts') {
    const f = fleet(store.list());
    return json({ now: f.now, hosts: f.hosts, macConflicts: f.macConflicts });
  }
  if (path === '/v1/peerings') {
    const f = fleet(store.list());
    return json({ now: f.now, ...pageOf(f.pairs, page('page'), Number(url.searchParams.get('size')) || 1_000) });
  }
  if (path === '/v1/nics') {
    const f = fleet(store.list());
    return json({ now: f.now, macConflicts: f.macConflicts, ...pageOf(f.nics, page('page'), Number(url.searchParams.get('size')) || 1_000) });
  }
  const one = /^\/v1\/hosts\/([^/]+)$/.exec(path);
  if (one) {
    const rec = store.get(decodeURIComponent(one[1] ?? ''));
    if (!rec) throw new HttpError(404, 'no such host');
    // The record (its report, its stream) with the host's live view beside it (state with liveness, reasons).
    return json({ ...rec, ...hostView(rec, Date.now()) });
  }
  if (path === '/') {
    return { status: 200, type: 'text/html; charset=utf-8', body: fleetPage(fleet(store.list()), { peerings: page('peerings'), nics: page('nics') }) };
  }
  throw new HttpError(404, 'not found');
}

/**
 * The report in the current version. Versions 1 and 2 are accepted while hosts are upgraded
 * (converted here, so the store and the fleet page know one shape); any other version is refused.
 */
function checkReport(value: unknown): Report | FullReport {
  const version = typeof value === 'object' && value !== null ? (value as { version?: unknown }).version : undefined;
  if (version === 1) {
    if (Value.Check(ReportV1Schema, value)) return reportFromV1(value);
    throw new HttpError(422, `not a version 1 report: ${problems(ReportV1Schema, value)}`);
  }
  if (version === 2) {
    if (Value.Check(ReportV2Schema, value)) return reportFromV2(value);
    throw new HttpError(422, `not a version 2 report: ${problems(ReportV2Schema, value)}`);
  }
  if (version !== REPORT_VERSION) throw new HttpError(422, `report version ${JSON.stringify(version)} is not known here (accepted: 1, 2, ${REPORT_VERSION})`);
  if (Value.Check(ReportSchema, value)) return value;
  throw new HttpError(422, `not a version ${REPORT_VERSION} report: ${problems(ReportSchema, value)}`);
}

function problems(schema: TSchema, value: unknown): string {
  return [...Value.Errors(schema, value)].slice(0, 5).map((e) => `${e.path}: ${e.message}`).join('; ');
}

function bearer(req: http.IncomingMessage): string {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
}

/** A host reports as itself (its own token), or as anyone with the shared token. */
function authorizeReport(req: http.IncomingMessage, host: string, o: ControllerOptions): void {
  const given = bearer(req);
  if (given !== '' && o.token !== undefined && tokenEquals(given, o.token)) return;
  const own = o.tokens?.tokenOf(host);
  if (given !== '' && own !== undefined && tokenEquals(given, own)) return;
  throw new HttpError(401, own === undefined && o.token === undefined ? `no token for host ${host}` : `missing or wrong bearer token for host ${host}`);
}

function authorizeRead(req: http.IncomingMessage, o: ControllerOptions): void {
  const given = bearer(req);
  if (given !== '' && ((o.token !== undefined && tokenEquals(given, o.token)) || o.tokens?.hostOf(given) !== undefined)) return;
  throw new HttpError(401, 'missing or wrong bearer token');
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpError(413, `body larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
