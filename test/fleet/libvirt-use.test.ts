// The verdict's libvirt rule, pure (agent/daemon/health/libvirt-use.ts): a network-only node is
// judged without libvirt and says so; a hypervisor whose libvirt is down is non-operational; the
// test driver is named in the status. The fleet suite shows the same on real hvnetd processes.
import assert from 'node:assert/strict';
import type { HostStatus } from '../../agent/api/status.js';
import { libvirtUse, NETWORK_ONLY_MESSAGE } from '../../agent/daemon/health/libvirt-use.js';

function status(): HostStatus {
  const at = new Date(0).toISOString();
  return {
    host: { id: 'hv9', hostname: 'x' },
    state: 'operational',
    since: at,
    reasons: [],
    ovn: { nb: { state: 'connected', remotes: 'unix:/nb', synced: true, since: at, reconnects: 0 } },
    libvirt: { state: 'disconnected', uri: 'qemu:///system', message: 'not connected yet' },
    links: [],
    networks: [],
    peerings: { total: 0, created: 0, pending: 0, errored: 0, networks: 0, problems: [] },
    nics: [],
    agent: { version: '0', startedAt: at },
  };
}

describe('fleet: libvirt in the host verdict', () => {
  it('a network-only node stays operational without libvirt and says so', () => {
    const s = status();
    libvirtUse({ enabled: false, uri: 'qemu:///system' }, { state: 'disconnected', message: 'x' })(s);
    assert.equal(s.state, 'operational');
    assert.deepEqual(s.reasons, []);
    assert.deepEqual(s.libvirt, { state: 'none', uri: 'none', message: NETWORK_ONLY_MESSAGE });
  });

  it('a hypervisor whose libvirt is down is non-operational with the reason libvirt-disconnected', () => {
    const s = status();
    libvirtUse({ enabled: true, uri: 'qemu:///system' }, { state: 'disconnected', message: 'no libvirtd socket' })(s);
    assert.equal(s.state, 'non-operational');
    assert.deepEqual(s.reasons, [{ code: 'libvirt-disconnected', subject: 'libvirt', message: 'libvirt (qemu:///system) is not connected: no libvirtd socket' }]);
  });

  it('the test driver is named in the status; connected, it is no reason', () => {
    const s = status();
    s.libvirt = { state: 'connected', uri: 'test:///tmp/hv2.xml' };
    libvirtUse({ enabled: true, uri: 'test:///tmp/hv2.xml' }, { state: 'connected', message: undefined })(s);
    assert.equal(s.state, 'operational');
    assert.match(s.libvirt.message ?? '', /^libvirt test driver \(test:\/\/\/tmp\/hv2\.xml\): the domains of that file, no VM runs on this host$/);
  });
});
