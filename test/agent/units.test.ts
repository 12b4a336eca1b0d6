// The pure parts of the agent, without processes: framing, the health verdict, the renderer,
// the config checker's messages.
import assert from 'node:assert/strict';
import { LineReader } from '../../agent/daemon/line-reader.js';
import { evaluateHealth } from '../../agent/daemon/health/host-state.js';
import { linkStatus } from '../../agent/daemon/health/links.js';
import { render } from '../../agent/cli/render.js';
import { loadYaml } from '../../agent/cli/yaml-text.js';
import { checkConfigText, macNumber } from '../../agent/config/check.js';
import { networkMac } from '../../lib/ovn/ids.js';
import { ConfigError } from '../../agent/api/errors.js';
import type { NbStatus } from '../../agent/api/status.js';

const nbUp: NbStatus = { state: 'connected', remotes: 'unix:/x', synced: true, since: '2026-01-01T00:00:00Z', reconnects: 0 };

describe('agent: pure parts', () => {
  it('LineReader splits lines across chunks and stops at the limit', () => {
    const r = new LineReader(10);
    assert.deepEqual(r.push(Buffer.from('ab')), []);
    assert.deepEqual(r.push(Buffer.from('c\nde\n')), [{ kind: 'line', text: 'abc' }, { kind: 'line', text: 'de' }]);
    assert.deepEqual(r.push(Buffer.from('f')), []);
    assert.deepEqual(r.finish(), [{ kind: 'line', text: 'f' }]);
    const o = new LineReader(4);
    assert.deepEqual(o.push(Buffer.from('12345')), [{ kind: 'overflow', limit: 4 }]);
    assert.deepEqual(o.push(Buffer.from('\n')), []);
  });

  it('the health verdict names each missing requirement', () => {
    const link = linkStatus({ name: 'eth1', minMtu: 9000 }, { operstate: 'up', flags: 0x1003, mtu: 1500 });
    const v = evaluateHealth({ nb: { ...nbUp, state: 'disconnected', lastError: 'refused' }, links: [link], networks: [{ name: 'n', present: false, ok: false }] });
    assert.equal(v.state, 'non-operational');
    assert.deepEqual(v.reasons.map((r) => r.code), ['nb-disconnected', 'link-mtu', 'network-missing']);
    assert.equal(evaluateHealth({ nb: nbUp, links: [], networks: [] }).state, 'operational');
    assert.equal(linkStatus({ name: 'lo' }, { operstate: 'unknown', flags: 0x9, mtu: 65536 }).up, true);
    assert.equal(linkStatus({ name: 'x' }, { operstate: 'up', flags: 0x1002, mtu: 1500 }).up, false);
  });

  it('one renderer: table, csv, json, yaml', async () => {
    await loadYaml();
    const out = { data: { a: 1 }, tables: [{ columns: ['K', 'V'], rows: [['x,y', true]] }] };
    assert.equal(render(out, 'csv'), 'K,V\n"x,y",yes\n');
    assert.match(render(out, 'table'), /\| x,y \| yes \|/);
    assert.equal(render(out, 'json'), '{\n  "a": 1\n}\n');
    assert.equal(render(out, 'yaml'), 'a: 1\n');
  });

  it('config problems carry the key path and what is allowed', () => {
    assert.throws(
      () => checkConfigText('api:\n  mode: "999"\nmacPool:\n  start: "02:00:00:00:00:09"\n  end: "02:00:00:00:00:01"\n', 'f.yaml'),
      (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.path === 'api.mode' && /matching/.test(p.message)),
    );
    assert.throws(
      () => checkConfigText('macPool:\n  start: "02:00:00:00:00:09"\n  end: "02:00:00:00:00:01"\n', 'f.yaml'),
      (e: unknown) => e instanceof ConfigError && e.problems[0]?.path === 'macPool',
    );
    // A NIC pool over the routers' MACs (networkMac) would hand a NIC a router's MAC.
    assert.throws(
      () => checkConfigText('macPool:\n  start: "02:68:76:00:00:00"\n  end: "02:68:76:00:ff:ff"\n', 'f.yaml'),
      (e: unknown) => e instanceof ConfigError && e.problems[0]?.path === 'macPool' && /router ports/.test(e.problems[0].message),
    );
    const dflt = checkConfigText('', 'f.yaml').macPool;
    for (const id of [1, 255, 65_536]) {
      const mac = macNumber(networkMac(id));
      assert.ok(mac < macNumber(dflt.start) || mac > macNumber(dflt.end), `router MAC ${networkMac(id)} outside the default NIC pool`);
    }
    assert.throws(() => checkConfigText('a: [\n', 'f.yaml'), (e: unknown) => e instanceof ConfigError && /YAML line/.test(e.message));
    assert.equal(checkConfigText('', 'f.yaml').api.socket, '/run/hvnet/hvnet.sock');
  });
});
