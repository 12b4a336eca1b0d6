// Required networks name hvnet's own networks as `[project/]network`: a network hvnet created
// (and peered) through the socket makes the host operational, and a row another tool made with
// external_ids:hvnet-network=NAME still counts, both read from the real NB by a real hvnetd.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testRun } from '../../testbed/test-run.js';
import { waitFor } from '../../testbed/exec.js';
import type { HostStatus } from '../../agent/api/status.js';
import { startHvnetd, writeConfig } from '../agent/harness.js';
import type { RunningHvnetd } from '../agent/harness.js';
import { hvOk } from './helpers.js';

describe('agent-ovn: required networks', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let d: RunningHvnetd;
  const required = ['lab-a', 'p2/lab-b', 'foreign-c'];

  const status = async (): Promise<HostStatus> => (JSON.parse(await hvOk(d.setup.socket, ['status', '--format', 'json'])) as { status: HostStatus }).status;
  const missing = (s: HostStatus): string[] => s.reasons.filter((r) => r.code === 'network-missing').map((r) => r.subject);

  before(async () => {
    ovn = await startOvn();
    const setup = writeConfig(testRun.tempDir('hvnetd-required'), ovn.nbRemotes, {
      libvirt: { uri: 'test:///default' },
      ovn: { nb: { readyTimeoutSeconds: 20 } },
      health: { requiredNetworks: required },
    });
    d = await startHvnetd(setup);
    await waitFor('the NB read', async () => ((await status()).networks.every((n) => n.present !== 'unknown') ? true : undefined), 20_000, 50);
  });
  after(async () => {
    await d?.daemon.stop();
    await ovn?.stop();
  });

  it('missing ones are named; hvnet networks and a foreign switch tagged hvnet-network count once made', async () => {
    const s0 = await status();
    assert.equal(s0.state, 'non-operational');
    assert.deepEqual(missing(s0).sort(), [...required].sort());
    const messages = s0.reasons.map((r) => r.message);
    assert.ok(messages.includes('required network lab-a does not exist in OVN'), messages.join('\n'));
    assert.ok(messages.includes('required network p2/lab-b does not exist in OVN'), messages.join('\n'));

    const sock = d.setup.socket;
    await hvOk(sock, ['network', 'create', 'lab-a', '--ipv4', '10.81.1.1/24']);
    await hvOk(sock, ['project', 'create', 'p2']);
    await hvOk(sock, ['network', 'create', 'lab-b', '--project', 'p2', '--ipv4', '10.81.2.1/24']);
    await hvOk(sock, ['network', 'peer', 'create', 'lab-a', 'to-b', 'p2/lab-b']);
    await hvOk(sock, ['network', 'peer', 'create', 'lab-b', 'to-a', 'default/lab-a', '--project', 'p2']);
    const start = Date.now();
    await waitFor('only foreign-c missing', async () => (JSON.stringify(missing(await status())) === '["foreign-c"]' ? true : undefined), 3_000, 50);
    assert.ok(Date.now() - start <= 2_000, `took ${Date.now() - start} ms`);

    await ovn.nbctl(['ls-add', 'foreign-c', '--', 'set', 'Logical_Switch', 'foreign-c', 'external_ids:hvnet-network=foreign-c']);
    await waitFor('operational', async () => ((await status()).state === 'operational' ? true : undefined), 3_000, 50);
    const s1 = await status();
    assert.deepEqual(
      s1.networks.map((n) => [n.name, n.present, n.kind]),
      [
        ['lab-a', true, 'hvnet network'],
        ['p2/lab-b', true, 'hvnet network'],
        ['foreign-c', true, 'Logical_Switch'],
      ],
    );

    await hvOk(sock, ['network', 'delete', 'lab-b', '--project', 'p2']);
    await waitFor('p2/lab-b missing again', async () => (JSON.stringify(missing(await status())) === '["p2/lab-b"]' ? true : undefined), 3_000, 50);
  });
});
