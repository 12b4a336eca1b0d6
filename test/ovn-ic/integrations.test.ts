// `hvnet network integration …` against a real NB and hvnetd, through the real CLI: Incus's
// commands and keys, state in the NB (a second hvnetd serves the same integrations), TLS key
// material stored as paths never PEM, unreadable files and bad input refused with the NB
// unchanged, and delete refused while a remote peering uses the integration.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testRun } from '../../testbed/test-run.js';
import { NetworksHvnetdFixture, hv, hvOk, startNetworksHvnetd } from '../agent-ovn/helpers.js';
import { nbDump } from '../ovn/helpers.js';

const IC = 'ovn.northbound_connection=tcp:127.0.0.1:6645';

describe('ovn-ic: network integrations (CLI, hvnetd, NB)', function () {
  this.timeout(120_000);
  const f = NetworksHvnetdFixture.forSuite();
  let files: { ca: string; cert: string; key: string; unreadableDir: string };

  before(() => {
    const dir = testRun.tempDir('ic-files');
    files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem'), unreadableDir: dir };
    for (const p of [files.ca, files.cert, files.key]) writeFileSync(p, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', { mode: 0o600 });
  });

  it('create, list, show, get, set, unset, edit and delete, as Incus spells them', async () => {
    await hvOk(f.sock, ['network', 'integration', 'create', 'ic1', 'ovn', IC, 'ovn.southbound_connection=tcp:127.0.0.1:6646', '--description', 'lab IC']);
    const list = JSON.parse(await hvOk(f.sock, ['network', 'integration', 'list', '--format', 'json'])) as { name: string; type: string; used_by: string[] }[];
    assert.deepEqual(list.map((i) => [i.name, i.type, i.used_by]), [['ic1', 'ovn', []]]);
    const shown = JSON.parse(await hvOk(f.sock, ['network', 'integration', 'show', 'ic1', '--format', 'json'])) as Record<string, unknown>;
    assert.deepEqual(shown, {
      name: 'ic1',
      description: 'lab IC',
      type: 'ovn',
      config: { 'ovn.northbound_connection': 'tcp:127.0.0.1:6645', 'ovn.southbound_connection': 'tcp:127.0.0.1:6646' },
      used_by: [],
    });
    assert.equal((await hvOk(f.sock, ['network', 'integration', 'get', 'ic1', 'ovn.southbound_connection'])).trim(), 'tcp:127.0.0.1:6646');
    await hvOk(f.sock, ['network', 'integration', 'set', 'ic1', 'ovn.transit.pattern', 'ts-{{ projectName }}-{{networkName}}']);
    assert.equal((await hvOk(f.sock, ['network', 'integration', 'get', 'ic1', 'ovn.transit.pattern'])).trim(), 'ts-{{ projectName }}-{{networkName}}');
    await hvOk(f.sock, ['network', 'integration', 'unset', 'ic1', 'ovn.transit.pattern']);
    assert.equal((await hvOk(f.sock, ['network', 'integration', 'get', 'ic1', 'ovn.transit.pattern'])).trim(), '');
    const yaml = (await hvOk(f.sock, ['network', 'integration', 'show', 'ic1', '--format', 'yaml'])).replace('description: lab IC', 'description: edited');
    await hvOk(f.sock, ['network', 'integration', 'edit', 'ic1'], { input: yaml });
    assert.match(await hvOk(f.sock, ['network', 'integration', 'show', 'ic1']), /edited/);
    // State in the NB: one key on NB_Global.
    const ext = await f.ovn.nbctl(['get', 'NB_Global', '.', 'external_ids:"hvnet:integration:ic1"']);
    assert.match(ext, /ovn\.northbound_connection/);
    await hvOk(f.sock, ['network', 'integration', 'delete', 'ic1']);
    assert.deepEqual(JSON.parse(await hvOk(f.sock, ['network', 'integration', 'list', '--format', 'json'])), []);
    const gone = await hv(f.sock, ['network', 'integration', 'show', 'ic1']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /does not exist/);
  });

  it('every hvnetd on the NB serves the same integrations', async () => {
    await hvOk(f.sock, ['network', 'integration', 'create', 'shared', 'ovn', IC]);
    const other = await startNetworksHvnetd(f.ovn, 'hvnetd-b');
    try {
      const list = JSON.parse(await hvOk(other.setup.socket, ['network', 'integration', 'list', '--format', 'json'])) as { name: string }[];
      assert.deepEqual(list.map((i) => i.name), ['shared']);
      await hvOk(other.setup.socket, ['network', 'integration', 'delete', 'shared']);
    } finally {
      await other.daemon.stop();
    }
  });

  it('TLS: paths are stored, never the PEM; ssl: remotes need the three files; missing or unreadable files are refused at create and set', async () => {
    const before = await nbDump(f.ovn);
    const ssl = 'ovn.northbound_connection=ssl:127.0.0.1:6645';
    const cases: [string[], RegExp][] = [
      [[ssl], /config\.ovn\.ca_cert: .*ssl: remotes, which need ovn\.ca_cert/],
      [[ssl, `ovn.ca_cert=${files.ca}`, `ovn.client_cert=${files.cert}`, 'ovn.client_key=/nonexistent/key.pem'], /config\.ovn\.client_key: .*\/nonexistent\/key\.pem does not exist/],
      [[ssl, `ovn.ca_cert=${files.ca}`, `ovn.client_cert=${files.cert}`, `ovn.client_key=${files.unreadableDir}`], /config\.ovn\.client_key: .* is not a regular file/],
      [[ssl, 'ovn.ca_cert=-----BEGIN CERTIFICATE-----', `ovn.client_cert=${files.cert}`, `ovn.client_key=${files.key}`], /config\.ovn\.ca_cert: .*holds PEM text.*stores the path/],
      [[ssl, 'ovn.ca_cert=ca.pem', `ovn.client_cert=${files.cert}`, `ovn.client_key=${files.key}`], /config\.ovn\.ca_cert: .*not an absolute path/],
    ];
    for (const [config, re] of cases) {
      const r = await hv(f.sock, ['network', 'integration', 'create', 'tls', 'ovn', ...config]);
      assert.equal(r.code, 1, `${config.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
    assert.equal(await nbDump(f.ovn), before, 'the NB is unchanged after the refused creates');
    await hvOk(f.sock, ['network', 'integration', 'create', 'tls', 'ovn', ssl, `ovn.ca_cert=${files.ca}`, `ovn.client_cert=${files.cert}`, `ovn.client_key=${files.key}`]);
    const nb = await nbDump(f.ovn);
    assert.ok(nb.includes(files.key.replace(/\//g, '\\/')) || nb.includes(files.key), 'the key path is stored');
    assert.ok(!nb.includes('BEGIN'), 'no PEM in the NB');
    const afterCreate = await nbDump(f.ovn);
    const bad = await hv(f.sock, ['network', 'integration', 'set', 'tls', 'ovn.client_key', '/nonexistent/other.pem']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /config\.ovn\.client_key: .*does not exist/);
    const unset = await hv(f.sock, ['network', 'integration', 'unset', 'tls', 'ovn.ca_cert']);
    assert.equal(unset.code, 1);
    assert.match(unset.stderr, /need ovn\.ca_cert/);
    assert.equal(await nbDump(f.ovn), afterCreate, 'the NB is unchanged after the refused set and unset');
    await hvOk(f.sock, ['network', 'integration', 'delete', 'tls']);
  });

  it('bad names, keys, remotes, patterns and types are refused naming the field, the NB unchanged', async () => {
    const before = await nbDump(f.ovn);
    const cases: [string[], RegExp][] = [
      [['bad_name', 'ovn'], /name: integration name "bad_name" holds "_", which is not allowed/],
      [['x'.repeat(64), 'ovn'], /name: integration name "x+" is 64 characters long/],
      [['ok', 'vxlan'], /type: integration type "vxlan" is unknown \(allowed: ovn\)/],
      [['ok', 'ovn', 'ovn.bogus=1'], /config\.ovn\.bogus: .*not a key of an OVN integration/],
      [['ok', 'ovn', 'ovn.northbound_connection=http://x'], /config\.ovn\.northbound_connection: /],
      [['ok', 'ovn', 'ovn.northbound_connection=ptcp:6645'], /passive/],
      [['ok', 'ovn', 'ovn.transit.pattern=ts-{{ hostName }}'], /config\.ovn\.transit\.pattern: .*\{\{ hostName \}\}, which is not a placeholder/],
      [['ok', 'ovn', 'ovn.transit.pattern=ts/{{ networkName }}'], /config\.ovn\.transit\.pattern: .*holds "\/" outside a placeholder/],
    ];
    for (const [args, re] of cases) {
      const r = await hv(f.sock, ['network', 'integration', 'create', ...args]);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
    }
    assert.equal(await nbDump(f.ovn), before);
  });
});
