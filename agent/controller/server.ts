// hvnet-controller's HTTP(S) API: hosts POST reports, operators GET the fleet. Every request needs
// the bearer token; reports are checked against the report schema before anything is stored.
import http from 'node:http';
import https from 'node:https';
import { timingSafeEqual } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { REPORT_VERSION, ReportSchema, ReportV1Schema, reportFromV1 } from '../api/report.js';
import type { Report, ReportAck } from '../api/report.js';
import type { HostStore } from './store.js';
import { macConflicts } from './mac-conflicts.js';
import { fleetPage } from './html.js';
import type { Logger } from '../logger.js';

export interface ControllerOptions {
  token: string;
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
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (req.method === 'GET' && path === '/healthz') return { status: 200, type: 'text/plain', body: 'ok\n' };
  if (!(options.openReads && req.method === 'GET')) authorize(req, options.token);
  const report = /^\/v1\/hosts\/([^/]+)\/status$/.exec(path);
  if (report) {
    if (req.method !== 'POST') throw new HttpError(405, 'POST a report here');
    const host = decodeURIComponent(report[1] ?? '');
    if (!HOST_RE.test(host)) throw new HttpError(404, 'no such host id');
    const body = await readBody(req, options.maxBodyBytes ?? 1024 * 1024);
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      throw new HttpError(400, 'body is not JSON');
    }
    const r: Report = checkReport(value);
    if (r.host !== host) throw new HttpError(400, `report of host ${r.host} posted for ${host}`);
    const result = await store.accept(r);
    log.info({ host, stream: r.stream, sequence: r.sequence, reason: r.reason, state: r.status.state, duplicate: result.duplicate }, 'report');
    const ack: ReportAck = result;
    return json(ack);
  }
  if (req.method !== 'GET') throw new HttpError(405, 'read-only here');
  if (path === '/v1/hosts') {
    const records = store.list();
    return json({
      hosts: records.map((r) => ({ host: r.host, state: r.report.status.state, receivedAt: r.receivedAt, lastSequence: r.lastSequence, missed: r.missed })),
      macConflicts: macConflicts(records),
    });
  }
  const one = /^\/v1\/hosts\/([^/]+)$/.exec(path);
  if (one) {
    const rec = store.get(decodeURIComponent(one[1] ?? ''));
    if (!rec) throw new HttpError(404, 'no such host');
    return json(rec);
  }
  if (path === '/') {
    const records = store.list();
    return { status: 200, type: 'text/html; charset=utf-8', body: fleetPage(records, macConflicts(records)) };
  }
  throw new HttpError(404, 'not found');
}

/**
 * The report in the current version. Version 1 is accepted while hosts are upgraded (converted
 * here, so the store and the fleet page know one shape); any other version is refused.
 */
function checkReport(value: unknown): Report {
  const version = typeof value === 'object' && value !== null ? (value as { version?: unknown }).version : undefined;
  if (version === 1) {
    if (Value.Check(ReportV1Schema, value)) return reportFromV1(value);
    throw new HttpError(422, `not a version 1 report: ${problems(ReportV1Schema, value)}`);
  }
  if (version !== REPORT_VERSION) throw new HttpError(422, `report version ${JSON.stringify(version)} is not known here (accepted: 1, ${REPORT_VERSION})`);
  if (Value.Check(ReportSchema, value)) return value;
  throw new HttpError(422, `not a version ${REPORT_VERSION} report: ${problems(ReportSchema, value)}`);
}

function problems(schema: TSchema, value: unknown): string {
  return [...Value.Errors(schema, value)].slice(0, 5).map((e) => `${e.path}: ${e.message}`).join('; ');
}

function authorize(req: http.IncomingMessage, token: string): void {
  const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new HttpError(401, 'missing or wrong bearer token');
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
