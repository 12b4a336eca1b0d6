// hvnetd's one NB transaction path, without a server: a transaction that fails is counted under
// result="error" in hvnet_ovsdb_transaction_duration_seconds and logged with the API call it
// served. (A transaction that succeeds is counted in agent-ovn's transaction-metric test.)
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { insert } from '../../lib/ovsdb/operations.js';
import { NbConnection } from '../../agent/daemon/ovn-nb.js';
import { createMetricsRegistry, instrumentNb } from '../../agent/daemon/metrics.js';

describe('agent: the NB transaction path', () => {
  it('a failed transaction is counted and logged with its call', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const caller = { method: 'network.create', project: 'default', connection: 7 };
    const nb = new NbConnection(
      { remotes: 'unix:/nonexistent/nb.sock', inactivityProbeMs: 1_000, connectTimeoutMs: 1_000, tables: {} },
      pino({ level: 'debug' }, sink),
    );
    const registry = createMetricsRegistry();
    instrumentNb(registry, nb);
    try {
      // Refused by the client's schema check, before anything is sent: no server needed.
      await assert.rejects(nb.transact([insert('No_Such_Table', {})], [caller]));
    } finally {
      nb.close();
    }
    const failed = lines.find((l) => l.msg === 'OVN NB transaction failed');
    assert.ok(failed, JSON.stringify(lines));
    assert.deepEqual(failed.request, caller);
    assert.deepEqual(failed.operations, ['insert']);
    const text = await registry.getSingleMetricAsString('hvnet_ovsdb_transaction_duration_seconds');
    assert.match(text, /^hvnet_ovsdb_transaction_duration_seconds_count\{result="error"\} 1$/m);
  });
});
