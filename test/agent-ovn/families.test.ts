// Networks of one family through a real hvnetd and the real CLI (NB, SB, ovn-northd): create with
// one of --ipv4/--ipv6 (the other left out or `none`, as Incus spells it), the documents, the
// table and a dry run show `none`; both missing is refused naming the fields with the NB as it
// was; `peer show --trace` traces the one family two networks share, and says why there is
// nothing to trace between an IPv4-only and an IPv6-only network (that peering is Errored with the
// reason); a required IPv6-only network makes the host operational.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testRun } from '../../testbed/test-run.js';
import { waitFor } from '../../testbed/exec.js';
import type { DryRunResult, NetworkInfoResult, PeeringInfoResult, PeeringShowResult } from '../../agent/api/networks.js';
import type { HostStatus } from '../../agent/api/status.js';
import { startHvnetd, writeConfig } from '../agent/harness.js';
import type { RunningHvnetd } from '../agent/harness.js';
import { nbDump } from '../ovn/helpers.js';
import { hv, hvOk } from './helpers.js';

describe('agent-ovn: networks of one family', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let d: RunningHvnetd;
  const ok = (args: readonly string[]): Promise<string> => hvOk(d.setup.socket, args);
  const json = async <T>(args: readonly string[]): Promise<T> => JSON.parse(await ok([...args, '--format', 'json'])) as T;
  const status = async (): Promise<HostStatus> => (await json<{ status: HostStatus }>(['status'])).status;

  before(async () => {
    ovn = await startOvn({ northd: true });
    const setup = writeConfig(testRun.tempDir('hvnetd-families'), ovn.nbRemotes, {
      libvirt: { uri: 'test:///default' },
      ovn: { nb: { readyTimeoutSeconds: 20 }, sb: { remotes: ovn.sb.unix } },
      health: { requiredNetworks: ['v6a'] },
    });
    d = await startHvnetd(setup);
  });
  after(async () => {
    await d?.daemon.stop();
    await ovn?.stop();
  });

  it('create with one family: left out or none; documents and the table say none', async () => {
    await ok(['network', 'create', 'v6a', '--ipv6', 'fd42:71:1::1/64']);
    await ok(['network', 'create', 'v6b', '--ipv4', 'none', '--ipv6', 'fd42:71:2::1/64']);
    await ok(['network', 'create', 'v4c', 'ipv4.address=10.71.3.1/24', 'ipv6.address=none']);
    await ok(['network', 'create', 'v4d', '--ipv4', '10.71.4.1/24']);
    const a = await json<NetworkInfoResult>(['network', 'show', 'v6a']);
    assert.deepEqual(a.config, { 'ipv4.address': 'none', 'ipv6.address': 'fd42:71:1::1/64' });
    const c = await json<NetworkInfoResult>(['network', 'show', 'v4c']);
    assert.deepEqual(c.config, { 'ipv4.address': '10.71.3.1/24', 'ipv6.address': 'none' });
    const yaml = await ok(['network', 'show', 'v6b', '--format', 'yaml']);
    assert.match(yaml, /ipv4\.address: none/);
    const table = await ok(['network', 'list']);
    assert.match(table, /\| v6a +\| none +\| fd42:71:1::1\/64 +\|/, table);
    assert.match(table, /\| v4d +\| 10\.71\.4\.1\/24 +\| none +\|/, table);
  });

  it('a dry run of an IPv6-only network shows ipv4.address none and changes nothing', async () => {
    const before = await nbDump(ovn);
    const r = await json<DryRunResult>(['network', 'create', 'v6z', '--ipv6', 'fd42:71:9::1/64', '--dry-run']);
    assert.equal(r.dryRun, true);
    assert.deepEqual((r.result as NetworkInfoResult).config, { 'ipv4.address': 'none', 'ipv6.address': 'fd42:71:9::1/64' });
    assert.ok(!JSON.stringify(r.operations).includes('hvnet:ipv4'));
    assert.equal(await nbDump(ovn), before);
  });

  it('both none, neither, malformed: exit 1 naming the field, NB dump unchanged', async () => {
    const before = await nbDump(ovn);
    const cases: [string[], RegExp][] = [
      [['network', 'create', 'E', '--ipv4', 'none', '--ipv6', 'none'], /config\.ipv4\.address: ipv4\.address is none and ipv6\.address is none: a network needs at least one gateway address/],
      [['network', 'create', 'E', 'ipv4.address=none', 'ipv6.address=none'], /config\.ipv4\.address: ipv4\.address is none and ipv6\.address is none/],
      [['network', 'create', 'E'], /config\.ipv4\.address: ipv4\.address is required when ipv6\.address is not set/],
      [['network', 'create', 'E', '--ipv4', 'none'], /config\.ipv4\.address: ipv4\.address is none and ipv6\.address is not set/],
      [['network', 'create', 'E', '--ipv6', 'none'], /config\.ipv4\.address: ipv4\.address is not set and ipv6\.address is none/],
      [['network', 'create', 'E', '--ipv6', 'fd42:71:5::1'], /config\.ipv6\.address: ipv6 "fd42:71:5::1" needs exactly one "\/"/],
      [['network', 'create', 'E', '--ipv4', 'none', '--ipv6', '10.71.5.1/24'], /config\.ipv6\.address: .*is not an IPv6 address/],
      [['network', 'create', 'E', '--ipv4', 'NONE', '--ipv6', 'fd42:71:5::1/64'], /config\.ipv4\.address: ipv4 "NONE"/],
    ];
    for (const [args, re] of cases) {
      const r = await hv(d.setup.socket, args);
      assert.equal(r.code, 1, `hvnet ${args.join(' ')}: exit ${r.code}, ${r.stderr}`);
      assert.match(r.stderr, re, `hvnet ${args.join(' ')}`);
      assert.match(r.stderr, /allowed: /, `hvnet ${args.join(' ')}`);
    }
    assert.equal(await nbDump(ovn), before);
  });

  it('a required IPv6-only network counts: the host is operational', async () => {
    await waitFor('operational', async () => ((await status()).state === 'operational' ? true : undefined), 5_000, 50);
    assert.deepEqual((await status()).networks.map((n) => [n.name, n.present]), [['v6a', true]]);
  });

  it('two IPv6-only networks: peer show --trace passes over IPv6, both ways, and traces no IPv4', async () => {
    await ok(['network', 'peer', 'create', 'v6a', 'to-b', 'v6b']);
    await ok(['network', 'peer', 'create', 'v6b', 'to-a', 'v6a', '--wait']);
    const r = await json<PeeringShowResult>(['network', 'peer', 'show', 'v6a', 'to-b', '--trace']);
    assert.equal(r.status, 'Created');
    assert.equal(r.trace?.verdict, 'pass', JSON.stringify(r.trace));
    assert.deepEqual(
      r.trace.directions.map((x) => [x.family, x.from, x.to, x.verdict]),
      [
        [6, 'default/v6a', 'default/v6b', 'pass'],
        [6, 'default/v6b', 'default/v6a', 'pass'],
      ],
    );
  });

  it('IPv4-only with IPv6-only: Errored with the reason; the trace fails saying there is nothing to trace', async () => {
    await ok(['network', 'peer', 'create', 'v4c', 'to-a', 'v6a']);
    await ok(['network', 'peer', 'create', 'v6a', 'to-c', 'v4c', '--wait']);
    const p = await json<PeeringInfoResult>(['network', 'peer', 'show', 'v4c', 'to-a']);
    assert.equal(p.status, 'Errored');
    assert.equal(p.reason, 'the two networks have no address family in common (default/v4c: IPv4 only; default/v6a: IPv6 only); the peering is not activated');
    const list = await ok(['network', 'peer', 'list', 'v6a']);
    assert.match(list, /\| to-c +\|.*\| Errored +\|/, list);
    const t = await json<PeeringShowResult>(['network', 'peer', 'show', 'v6a', 'to-c', '--trace']);
    assert.equal(t.status, 'Errored');
    assert.deepEqual(t.trace, {
      verdict: 'fail',
      reason: 'default/v6a (IPv6 only) and default/v4c (IPv4 only) have no address family in common: there is nothing to trace',
      directions: [],
    });
    const ports = await ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Router_Port']);
    const c = await json<NetworkInfoResult>(['network', 'show', 'v4c']);
    assert.ok(!ports.includes(`${c.router}-lrp-peer-`), ports);
  });
});
