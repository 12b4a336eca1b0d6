// VM ports, pure: the LSP of a VM NIC on an in-memory NB (fake-nb.ts): named by the UUID, tagged,
// addresses and port security, IPv4 auto/given/none, IPv6 SLAAC from the MAC, a full /29, two
// attaches planned from one read (the guard makes the second re-plan), the project scope, the
// detach freeing the address, a foreign port never taken for a VM port, a network delete refused.
import assert from 'node:assert/strict';
import { WaitTimedOutError } from '../../lib/ovsdb/errors.js';
import { AddressInUseError, InvalidInputError, NetworkHasVmPortsError, NetworkNotFoundError, PortNotFoundError, SubnetFullError } from '../../lib/ovn/errors.js';
import { planCreateNetwork, planDeleteNetwork } from '../../lib/ovn/network-plan.js';
import { addressingTouched, planNetworkAddressing } from '../../lib/ovn/network-addressing.js';
import { planCreateProject } from '../../lib/ovn/project-plan.js';
import { checkNoVmPorts, eui64, planAttachVmPort, planDetachVmPort, vmPorts, VM_PORT_EXT } from '../../lib/ovn/vm-ports.js';
import type { AttachPortRequest } from '../../lib/ovn/vm-ports.js';
import { FakeNb } from './fake-nb.js';

const P1 = '0b0e7d4e-4b8f-4e3a-9c52-0c7c2a6b1f01';
const P2 = '0b0e7d4e-4b8f-4e3a-9c52-0c7c2a6b1f02';
const MAC1 = '02:68:76:00:10:01';
const MAC2 = '02:68:76:00:10:02';

function setup(ipv4 = '10.10.1.1/24', ipv6 = 'fd42:1::1/64'): FakeNb {
  const nb = new FakeNb();
  nb.transact(planCreateNetwork(nb.view, { name: 'net1', ipv4, ipv6 }).operations);
  return nb;
}

const dhcpUuid = (nb: FakeNb): string | undefined => [...nb.cache.table('DHCP_Options').keys()][0];

const req = (extra: Partial<AttachPortRequest> = {}): AttachPortRequest => ({ network: 'net1', port: P1, mac: MAC1, domain: 'vm1', host: 'hv1', ...extra });

describe('ovn: VM ports (pure)', () => {
  it('an LSP named by the UUID on the network switch, tagged, with MAC, IPv4 auto and SLAAC IPv6 in addresses and port security', () => {
    const nb = setup();
    const plan = planAttachVmPort(nb.view, req());
    assert.deepEqual(plan.result, {
      project: 'default',
      network: 'net1',
      port: P1,
      switch: 'hvnet-net1-ls-int',
      mac: MAC1,
      ipv4: '10.10.1.2',
      ipv6: 'fd42:1::68:76ff:fe00:1001',
      addresses: `${MAC1} 10.10.1.2 fd42:1::68:76ff:fe00:1001`,
      dhcpv4Options: dhcpUuid(nb),
    });
    nb.transact(plan.operations);
    const row = nb.rows('Logical_Switch_Port').find((r) => r.name === P1);
    assert.ok(row);
    assert.deepEqual(row.addresses, [plan.result.addresses]);
    assert.deepEqual(row.port_security, [plan.result.addresses]);
    assert.deepEqual(row.external_ids, { 'hvnet:id': '1', [VM_PORT_EXT.vm]: 'true', [VM_PORT_EXT.domain]: 'vm1', [VM_PORT_EXT.host]: 'hv1' });
    assert.deepEqual(vmPorts(nb.view).map((p) => [p.port, p.domain, p.host, p.mac, p.addresses]), [[P1, 'vm1', 'hv1', MAC1, ['10.10.1.2', 'fd42:1::68:76ff:fe00:1001']]]);
  });

  it('EUI-64 flips the universal/local bit and puts ff:fe in the middle', () => {
    assert.equal(eui64('52:54:00:01:00:20').toString(16), '505400fffe010020');
  });

  it('a given free address is taken; a used one, one outside the subnet and the gateway are refused naming the field or holder', () => {
    const nb = setup();
    nb.transact(planAttachVmPort(nb.view, req({ ipv4: '10.10.1.20' })).operations);
    assert.equal(vmPorts(nb.view)[0]?.addresses[0], '10.10.1.20');
    assert.throws(() => planAttachVmPort(nb.view, req({ port: P2, mac: MAC2, ipv4: '10.10.1.20' })), (e: unknown) => e instanceof AddressInUseError && /used by a NIC of domain vm1/.test(e.message));
    assert.throws(() => planAttachVmPort(nb.view, req({ port: P2, mac: MAC2, ipv4: '10.10.1.1' })), (e: unknown) => e instanceof AddressInUseError && /the gateway/.test(e.message));
    assert.throws(() => planAttachVmPort(nb.view, req({ port: P2, mac: MAC2, ipv4: '10.10.2.5' })), (e: unknown) => e instanceof InvalidInputError && e.field === 'ipv4');
    assert.throws(() => planAttachVmPort(nb.view, req({ port: P2, mac: MAC2, ipv6: 'dhcp' })), (e: unknown) => e instanceof InvalidInputError && e.field === 'ipv6');
    assert.throws(() => planAttachVmPort(nb.view, req({ port: 'net1-vm1', mac: MAC2 })), (e: unknown) => e instanceof InvalidInputError && e.field === 'port');
  });

  it('none: no address of that family; a network without IPv6 gives none', () => {
    const nb = setup('10.10.1.1/24', 'none');
    const p = planAttachVmPort(nb.view, req({ ipv4: 'none' }));
    assert.equal(p.result.addresses, MAC1);
    assert.deepEqual([p.result.ipv4, p.result.ipv6], [null, null]);
  });

  it('a full /29 is a clear error and plans nothing', () => {
    const nb = setup('10.10.9.1/29', 'none');
    for (let i = 0; i < 5; i++) {
      nb.transact(planAttachVmPort(nb.view, req({ port: `${P1.slice(0, -2)}1${i}`, mac: `02:68:76:00:11:0${i}` })).operations);
    }
    assert.deepEqual(vmPorts(nb.view).map((p) => p.addresses[0]), ['10.10.9.2', '10.10.9.3', '10.10.9.4', '10.10.9.5', '10.10.9.6']);
    const before = nb.transactions;
    assert.throws(
      () => planAttachVmPort(nb.view, req({ port: P2, mac: MAC2 })),
      (e: unknown) => e instanceof SubnetFullError && e.message.includes('no free IPv4 address left in 10.10.9.0/29 (6 in use with the gateway)'),
    );
    assert.equal(nb.transactions, before);
  });

  it('two attaches planned from one read pick the same address; the guard fails the second, whose re-plan takes the next', () => {
    const nb = setup();
    const a = planAttachVmPort(nb.view, req());
    const b = planAttachVmPort(nb.view, req({ port: P2, mac: MAC2 }));
    assert.equal(a.result.ipv4, b.result.ipv4);
    nb.transact(a.operations);
    assert.throws(() => nb.transact(b.operations), WaitTimedOutError);
    const again = planAttachVmPort(nb.view, req({ port: P2, mac: MAC2 }));
    assert.equal(again.result.ipv4, '10.10.1.3');
  });

  it("the network is looked up in the request's project only", () => {
    const nb = setup();
    nb.transact(planCreateProject(nb.view, { name: 'p2' }).operations);
    assert.throws(() => planAttachVmPort(nb.view, req({ project: 'p2' })), NetworkNotFoundError);
    nb.transact(planCreateNetwork(nb.view, { project: 'p2', name: 'net1', ipv4: '10.20.1.1/24' }).operations);
    const p = planAttachVmPort(nb.view, req({ project: 'p2' }));
    assert.equal(p.result.switch, 'hvnet-net2-ls-int');
    assert.equal(p.result.ipv4, '10.20.1.2');
  });

  it('detach removes the port and frees its address; a port hvnet did not make is never removed; delete of a network with VM ports names the domains', () => {
    const nb = setup();
    nb.transact(planAttachVmPort(nb.view, req()).operations);
    const n = nb.view.network('default', 'net1');
    assert.ok(n);
    assert.throws(() => checkNoVmPorts(nb.view, n), (e: unknown) => e instanceof NetworkHasVmPortsError && e.domains.join() === 'vm1');
    const d = planDetachVmPort(nb.view, P1);
    assert.deepEqual(d.result.freed, ['10.10.1.2', 'fd42:1::68:76ff:fe00:1001']);
    nb.transact(d.operations);
    assert.equal(nb.rows('Logical_Switch_Port').some((r) => r.name === P1), false);
    assert.equal(planAttachVmPort(nb.view, req({ port: P2, mac: MAC2 })).result.ipv4, '10.10.1.2');
    checkNoVmPorts(nb.view, n);
    assert.throws(() => planDetachVmPort(nb.view, 'hvnet-net1-ls-int-lsp-router'), PortNotFoundError);
  });
});

describe('ovn: DHCPv4 options and router advertisements of networks (pure)', () => {
  it('a new network gets DHCPv4 options for its subnet and SLAAC RAs; a VM port uses the options', () => {
    const nb = setup();
    const dhcp = nb.rows('DHCP_Options');
    assert.equal(dhcp.length, 1);
    assert.equal(dhcp[0]?.cidr, '10.10.1.0/24');
    assert.deepEqual(dhcp[0]?.options, { lease_time: '3600', router: '10.10.1.1', server_id: '10.10.1.1', server_mac: '02:68:76:00:00:01' });
    const lrp = nb.rows('Logical_Router_Port').find((r) => r.name === 'hvnet-net1-lr-lrp-int');
    assert.deepEqual(lrp?.ipv6_ra_configs, { address_mode: 'slaac', send_periodic: 'true', max_interval: '30', min_interval: '10' });
    const p = planAttachVmPort(nb.view, req());
    assert.equal(p.result.dhcpv4Options, dhcpUuid(nb));
  });

  it('a network without IPv4 gets no DHCP options; one without IPv6 no RAs', () => {
    const nb = new FakeNb();
    nb.transact(planCreateNetwork(nb.view, { name: 'v6', ipv4: 'none', ipv6: 'fd42:9::1/64' }).operations);
    nb.transact(planCreateNetwork(nb.view, { name: 'v4', ipv4: '10.10.9.1/24', ipv6: 'none' }).operations);
    assert.deepEqual(nb.rows('DHCP_Options').map((r) => r.cidr), ['10.10.9.0/24']);
    const ra = nb.rows('Logical_Router_Port').map((r) => [r.name, Object.keys(r.ipv6_ra_configs as object).length]);
    assert.deepEqual(ra.sort(), [['hvnet-net1-lr-lrp-int', 4], ['hvnet-net2-lr-lrp-int', 0]]);
  });

  it('networks made before get them from planNetworkAddressing, their VM ports the options; then nothing is left to do', () => {
    const nb = setup();
    nb.transact(planAttachVmPort(nb.view, req()).operations);
    // As an older hvnet left it: no options row, no RAs, the port without options.
    nb.transact([{ op: 'delete', table: 'DHCP_Options', where: [['_uuid', '==', ['uuid', String(dhcpUuid(nb))]]] }]);
    nb.transact([{ op: 'update', table: 'Logical_Router_Port', where: [['name', '==', 'hvnet-net1-lr-lrp-int']], row: { ipv6_ra_configs: ['map', []] } }]);
    const first = planNetworkAddressing(nb.view);
    assert.deepEqual(first.result.map((c) => c.what), ['DHCP_Options for 10.10.1.0/24']);
    nb.transact(first.operations);
    const second = planNetworkAddressing(nb.view);
    assert.deepEqual(second.result.map((c) => c.what), ['IPv6 router advertisements (SLAAC)', `dhcpv4_options on port ${P1}`]);
    nb.transact(second.operations);
    assert.equal(nb.cache.lookup('Logical_Switch_Port', ['name'], [P1])[0]?.dhcpv4_options, dhcpUuid(nb));
    assert.deepEqual(planNetworkAddressing(nb.view).operations, []);
  });

  it('the addressing pass after a change looks at the networks whose rows changed (their ids on the rows), and finds what a full pass finds there', () => {
    const nb = setup();
    nb.transact(planCreateNetwork(nb.view, { name: 'net2', ipv4: '10.10.2.1/24' }).operations);
    const net2 = nb.view.network('default', 'net2');
    assert.ok(net2);
    const batches: Set<number>[] = [];
    nb.cache.on('batch', (events) => batches.push(addressingTouched(events)));
    nb.transact([{ op: 'delete', table: 'DHCP_Options', where: [['cidr', '==', '10.10.2.0/24']] }]);
    assert.deepEqual(batches.map((b) => [...b]), [[net2.id]], "only net2's row changed");
    const only = planNetworkAddressing(nb.view, batches[0]);
    assert.deepEqual(only.result, planNetworkAddressing(nb.view).result);
    assert.deepEqual(only.result.map((c) => c.network), ['default/net2']);
  });

  it('deleting a network removes its DHCPv4 options', () => {
    const nb = setup();
    nb.transact(planDeleteNetwork(nb.view, { name: 'net1' }).operations);
    assert.deepEqual(nb.rows('DHCP_Options'), []);
  });

  it('deleting a network that has VM ports is refused naming the domains', () => {
    const nb = setup();
    nb.transact(planAttachVmPort(nb.view, req({ domain: 'web1' })).operations);
    assert.throws(() => planDeleteNetwork(nb.view, { name: 'net1' }), (e: unknown) => e instanceof NetworkHasVmPortsError && /domains web1/.test(e.message));
  });
});
