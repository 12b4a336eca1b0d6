// `network delete` and ports another tool put on the network's switch: refused (exit 1) naming
// them with the NB untouched, listed by --dry-run, and deleted and listed with --force; through
// the real CLI and hvnetd on a real NB.
import assert from 'node:assert/strict';
import { nbDump } from '../ovn/helpers.js';
import { hv, hvOk, NetworksHvnetdFixture } from './helpers.js';

describe('agent-ovn: network delete with ports other tools made', function () {
  this.timeout(60_000);
  const f = NetworksHvnetdFixture.forSuite();

  it('refused naming the ports; --dry-run lists them; --force deletes and lists them', async () => {
    const net = JSON.parse(await hvOk(f.sock, ['network', 'create', 'fp', '--ipv4', '10.82.1.1/24', '--format', 'json'])) as { switch: string };
    await f.ovn.nbctl(['lsp-add', net.switch, 'vm-foreign-1']);
    await f.ovn.nbctl(['lsp-add', net.switch, 'vm-foreign-2']);
    const before = await nbDump(f.ovn);

    const refused = await hv(f.sock, ['network', 'delete', 'fp']);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /network "fp" has ports hvnet did not make on its switch \(vm-foreign-1, vm-foreign-2\)/);
    assert.equal(await nbDump(f.ovn), before);

    const dry = await hvOk(f.sock, ['network', 'delete', 'fp', '--dry-run']);
    assert.match(dry, /^Ports hvnet did not make \(the delete is refused without --force\): vm-foreign-1, vm-foreign-2$/m);
    const dryJson = JSON.parse(await hvOk(f.sock, ['network', 'delete', 'fp', '--dry-run', '--format', 'json'])) as { result: { foreign_ports: string[] } };
    assert.deepEqual(dryJson.result.foreign_ports, ['vm-foreign-1', 'vm-foreign-2']);
    assert.equal(await nbDump(f.ovn), before);

    const forced = await hvOk(f.sock, ['network', 'delete', 'fp', '--force']);
    assert.equal(forced, 'Network fp deleted, with ports hvnet did not make: vm-foreign-1, vm-foreign-2\n');
    assert.equal((await f.ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Switch'])).trim(), '');
    assert.equal((await f.ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Switch_Port'])).trim(), '');
  });

  it('a switch with only hvnet\'s ports is deleted without --force', async () => {
    await hvOk(f.sock, ['network', 'create', 'plain', '--ipv4', '10.82.2.1/24']);
    const r = JSON.parse(await hvOk(f.sock, ['network', 'delete', 'plain', '--format', 'json'])) as { foreign_ports: string[] };
    assert.deepEqual(r, { name: 'plain', deleted: true, foreign_ports: [] });
  });
});
