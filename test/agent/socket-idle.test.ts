// api.idleTimeoutSeconds against the real hvnetd: a connection with nothing in flight and no
// traffic for that long is closed, and one that keeps making requests is not, however long it
// lives (the idle timer is armed once and re-armed for what is left, not replaced per request).
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testRun } from '../../testbed/test-run.js';
import { startHvnetd, writeConfig } from './harness.js';
import type { RunningHvnetd } from './harness.js';

/** A raw JSON-RPC connection: sends `version` requests, counts replies, notes when the server closed it. */
class Conn {
  readonly socket: Socket;
  replies = 0;
  closedAt: number | undefined;
  private id = 0;
  private buf = '';

  constructor(path: string) {
    this.socket = connect(path);
    this.socket.setEncoding('utf8');
    this.socket.on('data', (d: string) => {
      this.buf += d;
      for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        const reply = JSON.parse(line) as { result?: { version?: unknown } };
        assert.equal(typeof reply.result?.version, 'string', `a version reply: ${line}`);
        this.replies++;
      }
    });
    this.socket.on('end', () => {
      this.closedAt ??= Date.now();
      this.socket.end();
    });
    this.socket.on('close', () => (this.closedAt ??= Date.now()));
  }

  async request(): Promise<void> {
    const want = this.replies + 1;
    this.socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: ++this.id, method: 'version', params: {} })}\n`);
    const t0 = Date.now();
    while (this.replies < want) {
      assert.equal(this.closedAt, undefined, 'the connection was closed while a request was answered');
      assert.ok(Date.now() - t0 < 5_000, 'no reply within 5 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

async function closedWithin(c: Conn, ms: number): Promise<number> {
  const t0 = Date.now();
  while (c.closedAt === undefined && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 20));
  assert.ok(c.closedAt !== undefined, `still open ${ms} ms after its last reply`);
  return c.closedAt;
}

describe('agent: idle API connections', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let hv: RunningHvnetd | undefined;
  const conns: Conn[] = [];

  before(async () => {
    ovn = await startOvn({ northd: false });
    hv = await startHvnetd(writeConfig(testRun.tempDir('sock-idle'), ovn.nb.unix, { api: { idleTimeoutSeconds: 1 } }));
  });
  after(async () => {
    for (const c of conns) c.socket.destroy();
    await hv?.daemon.stop();
    await ovn?.stop();
  });

  it('a connection that keeps making requests stays open past the timeout; once silent it is closed after about the timeout', async () => {
    assert.ok(hv);
    const busy = new Conn(hv.setup.socket);
    conns.push(busy);
    const started = Date.now();
    // A request every 300 ms for 3.5 s: three and a half times the 1 s timeout.
    while (Date.now() - started < 3_500) {
      await busy.request();
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.equal(busy.closedAt, undefined, 'closed while requests kept coming');
    await busy.request();
    const last = Date.now();
    const closed = await closedWithin(busy, 3_000);
    const after = closed - last;
    assert.ok(after >= 900, `closed ${after} ms after its last reply, before the 1 s timeout`);
    assert.ok(busy.replies >= 10, `${busy.replies} replies`);
  });

  it('a connection silent after one request is closed after about the timeout, not before', async () => {
    assert.ok(hv);
    const quiet = new Conn(hv.setup.socket);
    conns.push(quiet);
    await quiet.request();
    const last = Date.now();
    const closed = await closedWithin(quiet, 3_000);
    assert.ok(closed - last >= 900, `closed ${closed - last} ms after its only reply, before the 1 s timeout`);
  });
});
