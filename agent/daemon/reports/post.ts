// One delivery attempt: POST a JSON body, with a bearer token read from its file now (so a rotated
// token is picked up without a restart) and, for https, the configured CA.
import http from 'node:http';
import https from 'node:https';
import { readFile } from 'node:fs/promises';

export interface PostTarget {
  url: string;
  tokenFile?: string;
  caFile?: string;
  timeoutMs: number;
}

/**
 * `sent`: the request had left for the controller when the error came (no answer in time, the
 * connection lost): the controller may have recorded it, and the retry may reach it twice, which
 * it recognises by (host, stream, sequence). An error before that (refused, unresolvable) never
 * reached it.
 */
export type PostOutcome = { kind: 'status'; status: number; body: string } | { kind: 'error'; message: string; sent: boolean };

export async function postJson(target: PostTarget, body: string): Promise<PostOutcome> {
  let headers: Record<string, string>;
  let ca: Buffer | undefined;
  try {
    headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    if (target.tokenFile) headers.authorization = `Bearer ${(await readFile(target.tokenFile, 'utf8')).trim()}`;
    if (target.caFile) ca = await readFile(target.caFile);
  } catch (e) {
    return { kind: 'error', message: `reading credentials: ${(e as Error).message}`, sent: false };
  }
  const url = new URL(target.url);
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let sent = false;
    const req = mod.request(url, { method: 'POST', headers, timeout: target.timeoutMs, ...(ca ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 64 * 1024) chunks.push(c);
      });
      res.on('end', () => resolve({ kind: 'status', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ kind: 'error', message: e.message, sent: true }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${target.timeoutMs} ms`)));
    req.on('finish', () => {
      sent = true;
    });
    req.on('error', (e) => resolve({ kind: 'error', message: e.message, sent }));
    req.end(body);
  });
}
