// The remote peering planners as planner output, without a server: the IC-NB half (transit
// switch and per-AZ allocation in Incus's shape), the NB half (chassis group, router port, switch
// port; their removal with the learned routes 23.03 leaves), and the route options on both OVN
// branches — the AZ-wide 23.03 options and the per-port filters of the newest schema, whose
// operations are validated against that schema; the ovn-ic probe switch.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSchema } from '../../lib/ovsdb/schema.js';
import { validateTransaction } from '../../lib/ovsdb/validate.js';
import type { Operation } from '../../lib/ovsdb/operations.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';
import { ovnICNorthboundSchema } from '../../lib/ovn/schema/ovn-ic-nb.generated.js';
import type { TransitSwitchRow } from '../../lib/ovn/remote/ic-databases.js';
import { planTransitJoin, planTransitLeave, transitSubnet4 } from '../../lib/ovn/remote/transit-plan.js';
import { learnedOver, planSideRemoveGroup, planSideRemovePorts, planSideRows, transitMac } from '../../lib/ovn/remote/side-plan.js';
import type { SideInput } from '../../lib/ovn/remote/side-plan.js';
import { OPTIONS_RECORD, perPortFilter, planRouteOptions, routeCapability } from '../../lib/ovn/remote/route-options.js';
import { PROBE_BOUND_MS, PROBE_EVERY_MS, planIcProbe, probeOf } from '../../lib/ovn/remote/ic-probe.js';
import { ARRIVAL_BOUND_MS, arrivalWarning } from '../../lib/ovn/remote/family-arrival.js';
import { CLAIM_BOUND_MS, gatewayWarning } from '../../lib/ovn/remote/gateway-binding.js';
import { REPO } from '../agent/harness.js';

const newest = parseSchema(readFileSync(join(REPO, 'test/schemas/ovn-nb-26.03.ovsschema'), 'utf8'));
const newestIc = parseSchema(readFileSync(join(REPO, 'test/schemas/ovn-ic-nb-26.03.ovsschema'), 'utf8'));
const TS = 'ts-incus-ic-default-web';

function ts(ext: Record<string, string>, name = TS): TransitSwitchRow {
  return { _uuid: 'abcdefab-0000-4000-8000-000000000001', name, other_config: {}, external_ids: ext };
}

function ops(list: Operation[]): string {
  return list.map((o) => `${o.op} ${(o as { table?: string }).table ?? ''}`).join('; ');
}

describe('ovn-ic: remote peering planners (planner output)', () => {
  it('IC-NB: the first AZ creates the switch in Incus\'s shape with its allocation; the second joins with the next address; a replay changes nothing', () => {
    const first = planTransitJoin({ name: TS, az: 'az1', families: [4, 6], existing: undefined, all: [] });
    assert.equal(ops(first.operations), 'wait Transit_Switch; insert Transit_Switch');
    validateTransaction(ovnICNorthboundSchema, first.operations);
    validateTransaction(newestIc, first.operations);
    const row = (first.operations[1] as unknown as { row: { external_ids: ['map', [string, string][]] } }).row;
    const ext = Object.fromEntries(row.external_ids[1]);
    assert.equal(ext['incus-managed'], 'true');
    assert.match(ext['incus-subnet-ipv4'] ?? '', /^169\.254\.\d+\.\d+\/28$/);
    assert.match(ext['incus-subnet-ipv6'] ?? '', /^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/64$/);
    assert.equal(ext['incus-allocation-az1'], `${first.allocation.v4},${first.allocation.v6}`);
    assert.equal(first.allocation.v4?.split('.')[3], String(Number(first.subnet4.split('/')[0]?.split('.')[3]) + 1));
    const second = planTransitJoin({ name: TS, az: 'az2', families: [4, 6], existing: ts(ext), all: [ts(ext)] });
    assert.equal(ops(second.operations), 'wait Transit_Switch; mutate Transit_Switch');
    assert.equal(second.allocation.v6, first.allocation.v6?.replace(/::1$/, '::2'));
    const joined = { ...ext, 'incus-allocation-az2': `${second.allocation.v4},${second.allocation.v6}` };
    assert.deepEqual(planTransitJoin({ name: TS, az: 'az2', families: [4, 6], existing: ts(joined), all: [ts(joined)] }).operations, []);
  });

  it('IC-NB: the same name proposes the same subnet in both AZs; another switch\'s subnet is never proposed; family-aware allocation', () => {
    const s = transitSubnet4(TS, new Set());
    assert.equal(transitSubnet4(TS, new Set()), s);
    assert.notEqual(transitSubnet4(TS, new Set([s])), s);
    const v6only = planTransitJoin({ name: TS, az: 'az1', families: [6], existing: undefined, all: [] });
    assert.equal(v6only.allocation.v4, undefined);
    assert.ok(v6only.allocation.v6);
  });

  it('IC-NB: leaving removes this AZ\'s allocation; the last user removes the switch', () => {
    const both = ts({ 'incus-subnet-ipv4': '169.254.1.0/28', 'incus-allocation-az1': '169.254.1.1,', 'incus-allocation-az2': '169.254.1.2,' });
    assert.equal(ops(planTransitLeave({ name: TS, az: 'az1', existing: both })), 'wait Transit_Switch; mutate Transit_Switch');
    const last = ts({ 'incus-subnet-ipv4': '169.254.1.0/28', 'incus-allocation-az2': '169.254.1.2,' });
    assert.equal(ops(planTransitLeave({ name: TS, az: 'az2', existing: last })), 'wait Transit_Switch; delete Transit_Switch');
    assert.deepEqual(planTransitLeave({ name: TS, az: 'az2', existing: undefined }), []);
  });

  const base: SideInput = {
    ts: TS,
    az: 'az1',
    peering: 'to-az2',
    network: { id: 1, routerUuid: '11111111-1111-1111-1111-111111111111' },
    allocation: { v4: '169.254.1.1', v6: 'fd12:3456:789a:bcde::1' },
    subnet4: '169.254.1.0/28',
    subnet6: 'fd12:3456:789a:bcde::/64',
    gateways: ['gw-b', 'gw-a'],
    rows: { switchUuid: '22222222-2222-2222-2222-222222222222', lrp: undefined, lsp: undefined, group: undefined, learned: [] },
  };

  it('NB: waits for ovn-ic\'s switch and for a gateway, then makes the group, router port and switch port in one transaction', () => {
    assert.match(planSideRows({ ...base, rows: { ...base.rows, switchUuid: undefined } }).waiting ?? '', /not in this NB yet/);
    assert.match(planSideRows({ ...base, gateways: [] }).waiting ?? '', /no interconnection gateway/);
    const p = planSideRows(base);
    assert.equal(
      ops(p.operations),
      'insert HA_Chassis; insert HA_Chassis; insert HA_Chassis_Group; insert Logical_Router_Port; mutate Logical_Router; insert Logical_Switch_Port; mutate Logical_Switch',
    );
    validateTransaction(ovnNorthboundSchema, p.operations);
    validateTransaction(newest, p.operations);
    const lrp = p.operations[3] as unknown as { row: { name: string; mac: string; networks: ['set', string[]] } };
    assert.equal(lrp.row.name, TS);
    assert.equal(lrp.row.mac, transitMac(TS, 'az1'));
    assert.notEqual(transitMac(TS, 'az1'), transitMac(TS, 'az2'), 'the two AZs\' ports differ even for equal network ids');
    assert.deepEqual(lrp.row.networks[1], ['169.254.1.1/28', 'fd12:3456:789a:bcde::1/64']);
    assert.equal((p.operations[5] as unknown as { row: { name: string } }).row.name, `${TS}-az1`);
    const done = planSideRows({
      ...base,
      rows: {
        ...base.rows,
        group: { _uuid: 'abcdefab-0000-4000-8000-00000000000a', chassis: [{ name: 'gw-a', priority: 32767 }, { name: 'gw-b', priority: 32766 }] },
        lrp: { _uuid: 'abcdefab-0000-4000-8000-00000000000b', mac: transitMac(TS, 'az1'), networks: ['fd12:3456:789a:bcde::1/64', '169.254.1.1/28'], haGroup: 'abcdefab-0000-4000-8000-00000000000a' },
        lsp: { _uuid: 'abcdefab-0000-4000-8000-00000000000c', type: 'router', addresses: ['router'], routerPort: TS },
      },
    });
    assert.deepEqual(done.operations, [], 'rows in place: nothing to send (idempotent retry)');
  });

  it('NB: deletion removes the ports and exactly the learned routes over this switch, then the group', () => {
    const rows = {
      ...base.rows,
      lrp: { _uuid: '33333333-3333-3333-3333-333333333333', mac: '', networks: [], haGroup: 'g' },
      lsp: { _uuid: '44444444-4444-4444-4444-444444444444', type: 'router', addresses: ['router'], routerPort: TS },
      group: { _uuid: '55555555-5555-5555-5555-555555555555', chassis: [] },
      learned: [
        { _uuid: '66666666-6666-6666-6666-666666666666', ip_prefix: '10.32.0.1/24', nexthop: '169.254.1.2' },
        { _uuid: '77777777-7777-7777-7777-777777777777', ip_prefix: 'fd42:32::1/64', nexthop: 'fd12:3456:789a:bcde::2' },
        { _uuid: '88888888-8888-8888-8888-888888888888', ip_prefix: '10.99.0.0/24', nexthop: '169.254.9.2' },
      ],
    };
    assert.equal(learnedOver({ nexthop: '169.254.1.17' }, '169.254.1.0/28', 'fd12:3456:789a:bcde::/64'), false);
    const first = planSideRemovePorts({ ...base, rows });
    validateTransaction(ovnNorthboundSchema, first);
    const text = JSON.stringify(first);
    assert.ok(text.includes('66666666') && text.includes('77777777') && !text.includes('88888888'), text);
    assert.equal(ops(planSideRemoveGroup(rows)), 'delete HA_Chassis_Group');
    // The network deleted (its router and router port gone): the switch port alone.
    const orphan = planSideRemovePorts({ ...base, network: { id: 1, routerUuid: '' }, rows: { ...rows, lrp: undefined, learned: [] } });
    assert.equal(ops(orphan), 'mutate Logical_Switch');
  });

  it('route options, 23.03 (AZ-wide): sets adv/learn when unset, adds its blacklist entries beside the operator\'s, reports contradictions, takes back only its own', () => {
    assert.equal(routeCapability(ovnNorthboundSchema.version), 'az-wide');
    const global = { _uuid: '99999999-9999-9999-9999-999999999999', options: { 'ic-route-blacklist': '192.0.2.0/24' }, external_ids: {} };
    const p = planRouteOptions({ capability: 'az-wide', global, active: true, block: ['10.50.0.0/24'], own: ['10.31.0.0/24'] });
    validateTransaction(ovnNorthboundSchema, p.operations);
    const text = JSON.stringify(p.operations);
    assert.ok(text.includes('"ic-route-blacklist","192.0.2.0/24,10.50.0.0/24"'), text);
    assert.ok(text.includes('"ic-route-adv","true"') && text.includes('"ic-route-learn","true"'), text);
    assert.deepEqual(p.contradictions, []);
    const rec = JSON.stringify({ adv: true, learn: true, blacklist: ['10.50.0.0/24'] });
    const after = { ...global, options: { 'ic-route-adv': 'true', 'ic-route-learn': 'true', 'ic-route-blacklist': '192.0.2.0/24,10.50.0.0/24' }, external_ids: { [OPTIONS_RECORD]: rec } };
    assert.deepEqual(planRouteOptions({ capability: 'az-wide', global: after, active: true, block: ['10.50.0.0/24'], own: ['10.31.0.0/24'] }).operations, []);
    const back = planRouteOptions({ capability: 'az-wide', global: after, active: false, block: [], own: [] });
    const backText = JSON.stringify(back.operations[1]);
    assert.ok(backText.includes('"ic-route-blacklist","192.0.2.0/24"') && !backText.includes('"ic-route-adv","true"'), backText);
    const operator = { ...global, options: { 'ic-route-adv': 'false', 'ic-route-blacklist': '10.31.0.0/24' } };
    const c = planRouteOptions({ capability: 'az-wide', global: operator, active: true, block: [], own: ['10.31.0.0/24'] });
    assert.equal(c.contradictions.length, 2, c.contradictions.join('\n'));
    assert.match(c.contradictions.join('\n'), /ic-route-adv=false/);
    assert.match(c.contradictions.join('\n'), /ic-route-blacklist holds 10\.31\.0\.0\/24/);
    assert.ok(!JSON.stringify(c.operations).includes('"ic-route-adv","true"'), 'the operator\'s false is not overwritten');
  });

  it('route options, newest OVN (per-port): the transit port advertises exactly the network\'s subnets, valid against the newest NB schema; no blacklist', () => {
    assert.equal(routeCapability(newest.version), 'per-port');
    const p = planSideRows({ ...base, lrpOptions: perPortFilter(['fd42:31::/64', '10.31.0.0/24']) });
    validateTransaction(newest, p.operations);
    assert.ok(JSON.stringify(p.operations[3]).includes('"ic-route-filter-adv","10.31.0.0/24,fd42:31::/64"'));
    const global = { _uuid: '99999999-9999-9999-9999-999999999999', options: {}, external_ids: {} };
    const o = planRouteOptions({ capability: 'per-port', global, active: true, block: ['10.50.0.0/24'], own: [] });
    validateTransaction(newest, o.operations);
    assert.ok(!JSON.stringify(o.operations).includes('ic-route-blacklist'));
  });
});

describe('ovn-ic probe (pure)', () => {
  const probe = { _uuid: '11111111-1111-4111-8111-111111111111', putAtMs: 1_000 };
  it('puts a probe while remote peerings exist, not again before PROBE_EVERY_MS', () => {
    const p = planIcProbe({ probe: undefined, active: true, nowMs: 10_000, lastPutMs: 0 });
    assert.equal(p.putAtMs, 10_000);
    validateTransaction(ovnNorthboundSchema, p.operations);
    assert.match(JSON.stringify(p.operations), /"interconn-ts","hvnet-ic-probe"/);
    assert.deepEqual(planIcProbe({ probe: undefined, active: true, nowMs: 10_000 + PROBE_EVERY_MS - 1, lastPutMs: 10_000 }).operations, []);
  });
  it('a probe older than the bound names ovn-ic; a younger one does not', () => {
    assert.equal(planIcProbe({ probe, active: true, nowMs: 1_000 + PROBE_BOUND_MS, lastPutMs: 1_000 }).stalled, undefined);
    assert.match(planIcProbe({ probe, active: true, nowMs: 2_000 + PROBE_BOUND_MS, lastPutMs: 1_000 }).stalled ?? '', /ovn-ic of this availability zone is not running/);
  });
  it('without remote peerings the probe is removed and nothing is put', () => {
    const p = planIcProbe({ probe, active: false, nowMs: 50_000, lastPutMs: 0 });
    assert.equal(p.operations.length, 1);
    assert.equal(p.stalled, undefined);
    assert.deepEqual(planIcProbe({ probe: undefined, active: false, nowMs: 50_000, lastPutMs: 0 }).operations, []);
  });
  it('only a switch named and tagged as the probe is one', () => {
    assert.equal(probeOf({ _uuid: probe._uuid, name: 'ts-incus-x', external_ids: { 'hvnet:ic-probe': '1' } }), undefined);
    assert.equal(probeOf({ _uuid: probe._uuid, name: 'hvnet-ic-probe', external_ids: {} }), undefined);
    assert.deepEqual(probeOf({ _uuid: probe._uuid, name: 'hvnet-ic-probe', external_ids: { 'hvnet:ic-probe': '1000' } }), probe);
  });
});

describe('remote peering: families whose routes did not arrive (pure)', () => {
  const base = { ts: 'ts-x', local: [4, 6] as const, nowMs: 100_000 };
  it('nothing while no route arrived, or within the bound', () => {
    assert.equal(arrivalWarning({ ...base, learned: [], firstArrivedMs: undefined }), undefined);
    assert.equal(arrivalWarning({ ...base, learned: [{ prefix: 'fd42:1::/64' }], firstArrivedMs: 100_000 - ARRIVAL_BOUND_MS + 1 }), undefined);
  });
  it('names the missing family after the bound; none when every local family arrived', () => {
    assert.match(arrivalWarning({ ...base, learned: [{ prefix: 'fd42:1::5/64' }], firstArrivedMs: 0 }) ?? '', /^no IPv4 route learned over transit switch ts-x/);
    assert.equal(arrivalWarning({ ...base, learned: [{ prefix: 'fd42:1::5/64' }, { prefix: '10.1.0.5/24' }], firstArrivedMs: 0 }), undefined);
    assert.equal(arrivalWarning({ ...base, local: [6], learned: [{ prefix: 'fd42:1::5/64' }], firstArrivedMs: 0 }), undefined);
  });
});

describe('remote peering: a side whose port no gateway chassis claimed (pure)', () => {
  const base = { ts: 'ts-x', az: 'az1', gateways: ['gw1'], nowMs: 100_000 };
  it('nothing while bound, while the IC-SB has no port yet, or within the bound', () => {
    assert.equal(gatewayWarning({ ...base, gateway: 'gw1', unboundSinceMs: undefined }), undefined);
    assert.equal(gatewayWarning({ ...base, gateway: undefined, unboundSinceMs: 0 }), undefined);
    assert.equal(gatewayWarning({ ...base, gateway: '', unboundSinceMs: 100_000 - CLAIM_BOUND_MS + 1 }), undefined);
  });
  it('after the bound: names the switch, the chassis the group names and the AZ', () => {
    assert.match(gatewayWarning({ ...base, gateway: '', unboundSinceMs: 0 }) ?? '', /transit switch ts-x has been bound to no gateway chassis .*group ts-x names gw1.*traffic cannot leave az1/);
    assert.match(gatewayWarning({ ...base, gateways: [], gateway: '', unboundSinceMs: 0 }) ?? '', /no interconnection gateway is known/);
  });
});
