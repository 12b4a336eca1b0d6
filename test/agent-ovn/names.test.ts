// One rule per kind of name, the same at every entry point: a project that `project create`
// accepts (mixed case included) is reached by every `--project`, a name that create refuses is
// refused by `--project` too (in the CLI and in the daemon, for any method), with the same
// reason and the rule stated exactly; a bad peering target says what is wrong with it.
import assert from 'node:assert/strict';
import type { HvnetError } from '../../agent/api/errors.js';
import { NAME_RULE } from '../../lib/ovn/names.js';
import { hv, hvOk, NetworksHvnetdFixture } from './helpers.js';

describe('agent-ovn: names', function () {
  this.timeout(60_000);
  const f = NetworksHvnetdFixture.forSuite();

  it('a project created with capitals is reached by --project with the same case, and only with it', async () => {
    await hvOk(f.sock, ['project', 'create', 'HX5Up']);
    await hvOk(f.sock, ['network', 'create', 'n1', '--ipv4', '10.37.1.1/24', '--project', 'HX5Up']);
    assert.match(await hvOk(f.sock, ['network', 'list', '--project', 'HX5Up', '--format', 'csv']), /^n1,/m);
    const other = await hv(f.sock, ['network', 'show', 'n1', '--project', 'hx5up']);
    assert.equal(other.code, 1, other.stderr);
    assert.match(other.stderr, /hx5up/);
  });

  it('a name create refuses is refused by --project too, in the CLI and by the daemon for any method, stating the rule', async () => {
    const created = await hv(f.sock, ['project', 'create', 'bad_name']);
    assert.equal(created.code, 1, created.stderr);
    assert.match(created.stderr, /holds "_", which is not allowed/);
    assert.ok(created.stderr.includes(NAME_RULE), created.stderr);

    const viaFlag = await hv(f.sock, ['network', 'list', '--project', 'bad_name']);
    assert.equal(viaFlag.code, 1, viaFlag.stderr);
    assert.match(viaFlag.stderr, /--project "bad_name": the project name holds "_", which is not allowed/);
    assert.ok(viaFlag.stderr.includes(NAME_RULE), viaFlag.stderr);

    for (const method of ['network.list', 'nic.list', 'status']) {
      await assert.rejects(f.d.client.raw(method, { project: 'bad_name' }), (e: HvnetError) => {
        assert.equal(e.code, 'HVNET_OVN_INVALID_NAME', `${method}: ${e.code} ${e.message}`);
        assert.equal(e.details.field, 'project');
        assert.equal(e.details.allowed, NAME_RULE);
        return true;
      });
    }
  });

  it('a bad peering target says why: its length, its characters, which part', async () => {
    await hvOk(f.sock, ['network', 'create', 'A', '--ipv4', '10.37.2.1/24']);
    const long = 'x'.repeat(70);
    const cases: [string, RegExp][] = [
      [long, /names a network that is 70 characters long \(at most 63\)/],
      [`p/${long}`, /names a network that is 70 characters long/],
      ['my_proj/B', /names a project that holds "_"/],
      ['B-', /names a network that starts or ends with a hyphen/],
    ];
    for (const [target, re] of cases) {
      const r = await hv(f.sock, ['network', 'peer', 'create', 'A', 'to-x', target]);
      assert.equal(r.code, 1, `${target}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
  });
});
