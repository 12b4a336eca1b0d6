// The OVN fixture starts real NB/SB ovsdb-servers (standalone, TLS, 3-member RAFT), ovn-northd
// and OVN-IC, answers on every remote it advertises, and leaves nothing behind when stopped.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { run, isAlive, waitFor } from '../../testbed/exec.js';
import { startOvn, serverDbRow, type OvnHandle } from '../../testbed/ovn.js';

const sockPath = (unixRemote: string): string => unixRemote.replace(/^unix:/, '');

async function assertStopped(ovn: OvnHandle, pids: readonly number[], sockets: readonly string[]): Promise<void> {
  await ovn.stop();
  for (const pid of pids) assert.equal(await isAlive(pid), false, `process ${pid} still alive`);
  assert.deepEqual(ovn.pids(), []);
  for (const s of sockets) assert.equal(existsSync(s), false, `${s} still exists`);
}

describe('OVN fixture', function () {
  this.timeout(30_000);

  it('standalone: NB answers on unix and tcp, SB on both, env works; stop leaves nothing', async () => {
    const ovn = await startOvn();
    const pids = ovn.pids();
    assert.equal(pids.length, 3, 'nb, sb, northd');
    assert.match(ovn.nb.unix, /^unix:\/.*\/nb\.sock$/);
    assert.match(ovn.nb.tcp, /^tcp:127\.0\.0\.1:\d+$/);
    assert.equal(ovn.nb.ssl, undefined);
    assert.equal(ovn.nbDbName, 'OVN_Northbound');

    await ovn.nbctl(['--wait=sb', 'ls-add', 'sw0']);
    assert.match(await run('ovn-nbctl', [`--db=${ovn.nb.unix}`, 'show']), /switch [0-9a-f-]+ \(sw0\)/);
    assert.match(await run('ovn-nbctl', [`--db=${ovn.nb.tcp}`, 'show']), /switch [0-9a-f-]+ \(sw0\)/);
    assert.equal((await run('ovn-nbctl', ['ls-list'], { env: ovn.env })).includes('(sw0)'), true);
    // northd translated it: a Datapath_Binding for sw0 in the SB, seen on unix and tcp.
    for (const db of [ovn.sb.unix, ovn.sb.tcp]) {
      const dp = await run('ovn-sbctl', [`--db=${db}`, '--bare', '--columns=external_ids', 'list', 'Datapath_Binding']);
      assert.match(dp, /name=sw0/);
    }
    assert.equal((await serverDbRow(ovn.nb.tcp, 'OVN_Northbound')).model, 'standalone');

    await assertStopped(ovn, pids, [sockPath(ovn.nb.unix), sockPath(ovn.sb.unix)]);
    await assert.rejects(run('ovsdb-client', ['--timeout=2', 'list-dbs', ovn.nb.tcp], { timeoutMs: 4_000 }));
  });

  it('northd: false with an explicit NB schema serves the NB without translating', async () => {
    const ovn = await startOvn({ northd: false, nbSchema: '/usr/share/ovn/ovn-nb.ovsschema' });
    const pids = ovn.pids();
    assert.equal(pids.length, 2, 'nb, sb only');
    await ovn.nbctl(['--no-wait', 'ls-add', 'lonely']);
    assert.match(await ovn.nbctl(['ls-list']), /\(lonely\)/);
    assert.equal((await ovn.sbctl(['--bare', '--columns=_uuid', 'list', 'Datapath_Binding'])).trim(), '');
    await assertStopped(ovn, pids, [sockPath(ovn.nb.unix)]);
  });

  it('ssl: the NB also listens on pssl and a client with the test certificates lists OVN_Northbound', async () => {
    const ovn = await startOvn({ ssl: true, northd: false });
    const pids = ovn.pids();
    const ssl = ovn.ssl;
    assert.ok(ssl && ovn.nb.ssl);
    assert.match(ovn.nb.ssl, /^ssl:127\.0\.0\.1:\d+$/);
    assert.notEqual(ovn.nb.ssl.split(':')[2], ovn.nb.tcp.split(':')[2]);
    const dbs = await run('ovsdb-client', [
      `--private-key=${ssl.key}`, `--certificate=${ssl.cert}`, `--ca-cert=${ssl.ca}`,
      'list-dbs', ovn.nb.ssl,
    ]);
    assert.deepEqual(dbs.trim().split('\n').sort(), ['OVN_Northbound', '_Server']);
    // ovn-nbctl over TLS with the same files.
    await run('ovn-nbctl', [...ssl.args, `--db=${ovn.nb.ssl}`, '--no-wait', 'ls-add', 'tls0']);
    assert.match(await ovn.nbctl(['ls-list']), /\(tls0\)/);
    // Plain TCP to the TLS port does not get an answer.
    await assert.rejects(run('ovsdb-client', ['--timeout=2', 'list-dbs', `tcp:${ovn.nb.ssl.slice(4)}`], { timeoutMs: 4_000 }));
    await assertStopped(ovn, pids, [sockPath(ovn.nb.unix)]);
  });

  it('clustered: 3 members, one leader, failover after killLeader, restart reconnects', async function () {
    this.timeout(40_000);
    const ovn = await startOvn({ clustered: 3 });
    const pids = ovn.pids();
    assert.equal(ovn.members.length, 3);
    assert.equal(ovn.nbRemotes.split(',').length, 3);
    assert.equal(ovn.env.OVN_NB_DB, ovn.nbRemotes);

    const leaders = [];
    for (const m of ovn.members) {
      const row = await serverDbRow(m.tcp, 'OVN_Northbound');
      assert.equal(row.model, 'clustered');
      assert.equal(row.connected, true);
      if (row.leader) leaders.push(m.index);
    }
    assert.equal(leaders.length, 1, `exactly one leader, got ${leaders.join(',')}`);
    assert.equal(await ovn.leaderIndex(), leaders[0]);

    await ovn.nbctl(['--wait=sb', 'ls-add', 'before']);

    const t0 = Date.now();
    const killed = await ovn.killLeader();
    assert.equal(ovn.members[killed]?.alive, false);
    const next = await ovn.waitForLeader({ exclude: killed, timeoutMs: 5_000 });
    const failoverMs = Date.now() - t0;
    assert.notEqual(next, killed);
    // The comma list still works with a member down (ovn-nbctl finds the new leader). No
    // --wait=sb here: northd's own reconnect back-off after a failover took 1.5-14 s in the lab.
    await ovn.nbctl(['--no-wait', 'ls-add', 'during']);

    await ovn.restart(killed);
    const back = ovn.members[killed];
    assert.ok(back?.alive);
    const row = await serverDbRow(back.unix, 'OVN_Northbound');
    assert.equal(row.connected, true);
    // Its tcp remote is the same as before (fixed after the first start) and serves the data.
    assert.match(await run('ovn-nbctl', [`--db=${back.tcp}`, '--no-leader-only', 'ls-list']), /\(during\)/);
    const list = await run('ovn-nbctl', [`--db=${ovn.nbRemotes}`, 'ls-list']);
    assert.match(list, /\(before\)/);
    assert.match(list, /\(during\)/);
    assert.equal(ovn.pids().length, 5, '3 members, sb, northd');
    const allPids = [...new Set([...pids, ...ovn.pids()])];

    await assertStopped(ovn, allPids, ovn.members.map((m) => sockPath(m.unix)));
    // Shown in the test output for the report: failover time on this machine.
    console.log(`      (failover ${failoverMs} ms)`);
  });

  it('ic: the AZ is registered in IC-SB and ts-add creates the transit switch in the NB', async () => {
    const ovn = await startOvn({ ic: true });
    const pids = ovn.pids();
    assert.equal(pids.length, 6, 'nb, sb, northd, ic-nb, ic-sb, ovn-ic');
    assert.ok(ovn.icNb && ovn.icSb);
    assert.equal(ovn.azName, 'az1');
    assert.match(await ovn.icSbctl(['show']), /availability-zone az1/);
    await ovn.icNbctl(['ts-add', 'ts1']);
    // ovn-ic copies the transit switch into the NB asynchronously (≈5 ms in the lab).
    await waitFor('ts1 in the NB', async () => ((await ovn.nbctl(['ls-list'])).includes('(ts1)') ? true : undefined), 5_000);
    assert.match(await ovn.nbctl(['get', 'Logical_Switch', 'ts1', 'other_config:interconn-ts']), /ts1/);
    const icSb = ovn.icSb;
    await waitFor('ts1 in IC-SB', async () => {
      const out = await run('ovn-ic-sbctl', [`--db=${icSb.tcp}`, 'list', 'Datapath_Binding']);
      return /transit_switch\s*:\s*"?ts1"?/.test(out) ? true : undefined;
    }, 5_000);
    await assertStopped(ovn, pids, [sockPath(ovn.icNb.unix), sockPath(ovn.icSb.unix), sockPath(ovn.nb.unix)]);
  });
});
