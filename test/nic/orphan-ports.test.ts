// Which VM ports hvnetd takes for orphans: only its own, unbound, with no NIC in any domain of the
// host (live or persistent), and not held by an attach of unknown outcome.
import assert from 'node:assert/strict';
import { orphanCandidates } from '../../agent/daemon/features/nics/orphan-ports.js';
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
  it('own, unbound, without a NIC, not pending: an orphan; anything else is not', () => {
    const ports = [port('a'), port('bb'), port('ccc'), port('dddd', { host: 'hv2' }), port('eeeee', { up: true }), port('ffffff')];
    const got = orphanCandidates(ports, [view(['bb'], ['ccc'])], 'hv1', new Set([port('ffffff').mac]));
    assert.deepEqual(got.map((p) => p.port), ['a']);
  });
});
