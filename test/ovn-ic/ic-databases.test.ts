// The IC database clients against real ovsdb-servers: the IC-NB (standalone, and a 3-member RAFT
// cluster where only the leader is used) takes typed writes and fills the cache; the IC-SB view
// reads availability zones, gateways and routes by AZ name.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OvsdbClient } from '../../lib/ovsdb/client.js';
import { opsFor } from '../../lib/ovsdb/typed-operations.js';
import { where } from '../../lib/ovsdb/operations.js';
import { namedUuid } from '../../lib/ovsdb/values.js';
import { ovnICSouthboundSchema } from '../../lib/ovn/schema/ovn-ic-sb.generated.js';
import { IcSbView, icNbCache, icNbClient, icSbClient, icnb } from '../../lib/ovn/remote/ic-databases.js';
import { testRun } from '../../testbed/test-run.js';
import { createDb, startOvsdbServer } from '../../testbed/ovsdb-server.js';
import type { OvsdbServer } from '../../testbed/ovsdb-server.js';
import { startCluster } from '../../testbed/ovn-raft.js';
import type { MemberState } from '../../testbed/ovn-raft.js';
import { serverDbRow } from '../../testbed/ovsdb-server-status.js';
import { IC_NB_SCHEMA, IC_SB_SCHEMA } from '../../testbed/ovn-schemas.js';
import { waitFor } from '../../testbed/exec.js';

const CLIENT = { inactivityProbeMs: 5_000, connectTimeoutMs: 2_000, backoff: { initialMs: 50, maxMs: 500 } };

describe('ovn-ic: the IC-NB and IC-SB clients', function () {
  this.timeout(60_000);
  let dir: string;
  let icNb: OvsdbServer;
  let icSb: OvsdbServer;
  let members: MemberState[] = [];
  const clients: OvsdbClient[] = [];

  before(async () => {
    dir = testRun.tempDir('ic-dbs');
    await createDb(join(dir, 'ic-nb.db'), IC_NB_SCHEMA);
    await createDb(join(dir, 'ic-sb.db'), IC_SB_SCHEMA);
    icNb = await startOvsdbServer({ name: 'ic-nb', dir, db: join(dir, 'ic-nb.db'), tcpPort: 0 });
    icSb = await startOvsdbServer({ name: 'ic-sb', dir, db: join(dir, 'ic-sb.db'), tcpPort: 0 });
  });
  after(async () => {
    for (const c of clients) c.close();
    for (const m of [...members].reverse()) await m.server.daemon.stop();
    await icSb?.daemon.stop();
    await icNb?.daemon.stop();
  });

  it('IC-NB: a typed insert of a transit switch commits and reaches the monitored cache', async () => {
    const c = icNbClient({ remotes: icNb.unix, ...CLIENT });
    clients.push(c);
    await c.session.start().ready(10_000);
    await c.monitor?.synced();
    await c.transact([icnb.insert('Transit_Switch', { name: 'ts-a', external_ids: ['map', [['hvnet:test', '1']]] })]);
    const cache = icNbCache(c);
    await waitFor('ts-a in the cache', () => Promise.resolve(cache.lookupOne('Transit_Switch', 'name', 'ts-a') ? true : undefined), 5_000, 10);
    assert.equal(cache.lookupOne('Transit_Switch', 'name', 'ts-a')?.external_ids['hvnet:test'], '1');
  });

  it('IC-NB on a RAFT cluster: the session uses the leader only, and writes commit', async () => {
    members = await startCluster(dir, IC_NB_SCHEMA, 'OVN_IC_Northbound', undefined);
    const remotes = members.map((m) => m.server.tcp).join(',');
    const c = icNbClient({ remotes, ...CLIENT });
    clients.push(c);
    await c.session.start().ready(10_000);
    const used = c.session.currentRemote;
    const m = members.find((x) => x.server.tcp === used);
    assert.ok(m, `connected to ${String(used)}, one of ${remotes}`);
    assert.equal((await serverDbRow(m.server.unix, 'OVN_IC_Northbound')).leader, true, 'the member used is the leader');
    await c.transact([icnb.insert('Transit_Switch', { name: 'ts-raft' })]);
    await waitFor('ts-raft in the cache', () => Promise.resolve(icNbCache(c).lookupOne('Transit_Switch', 'name', 'ts-raft') ? true : undefined), 5_000, 10);
  });

  it('IC-SB: availability zones, their gateways and the routes on a transit switch, by AZ name', async () => {
    const sb = opsFor(ovnICSouthboundSchema);
    const writer = await OvsdbClient.connect({ remotes: icSb.unix, schema: ovnICSouthboundSchema, ...CLIENT });
    clients.push(writer);
    await writer.transact([
      sb.insert('Availability_Zone', { name: 'az1' }, 'az1'),
      sb.insert('Availability_Zone', { name: 'az2' }, 'az2'),
      sb.insert('Encap', { type: 'geneve', ip: '192.0.2.1', gateway_name: 'gw1' }, 'e1'),
      sb.insert('Encap', { type: 'geneve', ip: '192.0.2.2', gateway_name: 'gw2' }, 'e2'),
      sb.insert('Gateway', { name: 'gw1', hostname: 'h1', availability_zone: namedUuid('az1'), encaps: namedUuid('e1') }),
      sb.insert('Gateway', { name: 'gw2', hostname: 'h2', availability_zone: namedUuid('az2'), encaps: namedUuid('e2') }),
      sb.insert('Route', { transit_switch: 'ts-a', availability_zone: namedUuid('az1'), ip_prefix: '10.1.0.1/24', nexthop: '169.254.0.1', origin: 'connected' }),
      sb.insert('Route', { transit_switch: 'ts-a', availability_zone: namedUuid('az2'), ip_prefix: '10.2.0.1/24', nexthop: '169.254.0.2', origin: 'connected' }),
      sb.insert('Route', { transit_switch: 'ts-b', availability_zone: namedUuid('az2'), ip_prefix: '10.3.0.1/24', nexthop: '169.254.1.2', origin: 'static' }),
    ]);
    const c = icSbClient({ remotes: icSb.unix, ...CLIENT });
    clients.push(c);
    await c.session.start().ready(10_000);
    await c.monitor?.synced();
    const view = IcSbView.of(c);
    await waitFor('3 routes', () => Promise.resolve(view.cache.table('Route').size === 3 ? true : undefined), 5_000, 10);
    assert.deepEqual(view.availabilityZones(), ['az1', 'az2']);
    assert.deepEqual(view.gateways('az2'), ['gw2']);
    assert.deepEqual(view.routes('ts-a', 'az2').map((r) => r.prefix), ['10.2.0.1/24']);
    assert.deepEqual(view.routes('ts-a').map((r) => `${r.az} ${r.prefix}`), ['az1 10.1.0.1/24', 'az2 10.2.0.1/24']);
    await writer.transact([sb.deleteRows('Route', [where('transit_switch', '==', 'ts-a')])]);
    await waitFor('ts-a routes gone', () => Promise.resolve(view.routes('ts-a').length === 0 ? true : undefined), 5_000, 10);
    assert.deepEqual(view.routes('ts-b').map((r) => r.origin), ['static']);
  });
});
