// hvnetd against an NB whose schema lacks a column the networks feature needs: it refuses to
// start, with exit 78 (EX_CONFIG: the unit's RestartPreventExitStatus, restarting cannot help)
// and a message naming the table and column, on stderr and in its log.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NB_SCHEMA, startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testRun } from '../../testbed/test-run.js';
import { EXIT } from '../../agent/api/errors.js';
import { startHvnetd, writeConfig } from '../agent/harness.js';

describe('agent-ovn: NB schema check at start', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;

  before(async () => {
    const schema = JSON.parse(readFileSync(NB_SCHEMA, 'utf8')) as { tables: Record<string, { columns: Record<string, unknown> }> };
    delete schema.tables.Logical_Router_Static_Route?.columns.route_table;
    const dir = testRun.tempDir('schema');
    const file = join(dir, 'ovn-nb-no-route-table.ovsschema');
    writeFileSync(file, JSON.stringify(schema));
    ovn = await startOvn({ northd: false, nbSchema: file });
  });
  after(async () => {
    await ovn?.stop();
  });

  it('a schema without Logical_Router_Static_Route.route_table: hvnetd refuses to start, naming it (exit 78)', async () => {
    const setup = writeConfig(testRun.tempDir('hvnetd-schema'), ovn.nbRemotes, { libvirt: { uri: 'test:///default' } });
    const started = Date.now();
    const hv = await startHvnetd(setup, { waitSocket: false });
    const exit = await Promise.race([hv.daemon.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
    await hv.daemon.stop();
    assert.notEqual(exit, 'timeout', `hvnetd still running: ${hv.daemon.log().slice(-1500)}`);
    assert.deepEqual(exit, { code: EXIT.config, signal: null });
    assert.ok(Date.now() - started < 15_000);
    const log = hv.daemon.log();
    assert.match(log, /hvnetd: the Northbound server \(schema [\d.]+\) has no column Logical_Router_Static_Route\.route_table, which hvnet needs/);
    assert.match(log, /"code":"HVNET_OVN_SCHEMA_MISSING"/);
  });
});
