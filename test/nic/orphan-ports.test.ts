// Which VM ports hvnetd takes for orphans: only its own, with no NIC in any domain of the host (live
// or persistent), not held by an attach of unknown outcome, and living here: the SB binding names
// this host's chassis or none (a migrated VM's port is bound elsewhere).
import assert from 'node:assert/strict';
import { orphanCandidates, placementFromUp, placementOf } from '../../agent/daemon/features/nics/orphan-ports.js';
import type { DomainView } from '../../agent/daemon/features/nics/inventory.js';
import type { VmPort } from '../../lib/ovn/vm-ports.js';

const port = (name: string, extra: Partial<VmPort> = {}): VmPort => ({ port: name, uuid: `u-${name}`, networkId: 1, domain: 'vm1', host: 'hv1', mac: `02:00:00:00:00:0${name.length}`, addresses: [], up: false, ...extra });
const view = (live: string[], config: string[]): DomainView => ({
  info: { name: 'vm1', uuid: 'd1', id: 1 },
  active: true,
  persistent: true,
  live: { xml: '', direct: [], ids: [], bridges: live.map((i) => ({ kind: 'bridge' as const, bridge: 'br-int', virtualport: { type: 'openvswitch' as const, interfaceid: i } })) },
  config: { xml: '', direct: [], ids: [], bridges: config.map((i) => ({ kind: 'bridge' as const, bridge: 'br-int', virtualport: { type: 'openvswitch' as const, interfaceid: i } })) },
});

describe('nic: orphan VM ports', () => {
  it('candidates: own, without a NIC, not pending; anything else is not', () => {
    const ports = [port('a'), port('bb'), port('ccc'), port('dddd', { host: 'hv2' }), port('eeeee', { up: true }), port('ffffff')];
    const got = orphanCandidates(ports, [view(['bb'], ['ccc'])], 'hv1', new Set([port('ffffff').mac]));
    assert.deepEqual(got.map((p) => p.port), ['a', 'eeeee']);
  });

  it('placement: unbound or bound to this chassis is here; another chassis is elsewhere; this chassis unknown is unknown', () => {
    const here = { name: 'sys-hv1', hostname: 'hv1' };
    const there = { name: 'sys-hv2', hostname: 'hv2' };
    assert.deepEqual(
      [placementOf(undefined, 'sys-hv1'), placementOf(null, 'sys-hv1'), placementOf(here, 'sys-hv1'), placementOf(there, 'sys-hv1'), placementOf(there, undefined), placementOf(null, undefined)],
      ['here', 'here', 'here', 'elsewhere', 'unknown', 'here'],
    );
    // Without an SB the NB `up` flag stands in: bound somewhere is kept.
    assert.deepEqual([placementFromUp(port('a')), placementFromUp(port('a', { up: true }))], ['here', 'unknown']);
  });
});
