// The hvnet CLI's exit codes through a real hvnetd on a real NB, one case per code: 0 ok, 1 a value
// or the operation refused, 2 a wrong command line, 75 outcome unknown (every transaction cut off
// before the NB saw it), 78 an invalid configuration. With --format json|yaml an error is that
// format on stderr ({code, message, details}) and stdout stays empty.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testRun } from '../../testbed/test-run.js';
import { waitFor } from '../../testbed/exec.js';
import type { RunningHvnetd } from '../agent/harness.js';
import { hv, hvOk, startNetworksHvnetd } from './helpers.js';
import { startNbRelay } from './nb-relay.js';
import type { NbRelay } from './nb-relay.js';

interface ErrorDoc {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

function isErrorDoc(v: unknown): v is ErrorDoc {
  const d = v as Partial<ErrorDoc> | null;
  return typeof d === 'object' && d !== null && typeof d.code === 'string' && typeof d.message === 'string' && typeof d.details === 'object' && d.details !== null;
}

describe('agent-ovn: hvnet exit codes and errors in the chosen format', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let relay: NbRelay;
  let d: RunningHvnetd;
  let sock: string;

  before(async () => {
    ovn = await startOvn({ northd: false });
    relay = await startNbRelay(ovn.nb.unix);
    d = await startNetworksHvnetd(ovn, 'hvnetd', relay.remote);
    sock = d.setup.socket;
    await hvOk(sock, ['network', 'create', 'A', '--ipv4', '10.36.1.1/24']);
  });
  after(async () => {
    await d?.daemon.stop();
    await relay?.close();
    await ovn?.stop();
  });

  it('0: the command did what was asked', async () => {
    const r = await hv(sock, ['project', 'list', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.ok(Array.isArray(JSON.parse(r.stdout)));
  });

  it('1: hvnetd refused a value or the operation (invalid name, not found, conflict, a bad --project)', async () => {
    const cases: [string[], RegExp][] = [
      [['network', 'peer', 'create', 'A', 'bad_name', 'p2/Z'], /peering name "bad_name"/],
      [['network', 'show', 'nope'], /network "nope" does not exist/],
      [['network', 'create', 'A', '--ipv4', '10.36.9.1/24'], /already exists/],
      [['network', 'list', '--project', 'Bad/x'], /--project "Bad\/x"/],
    ];
    for (const [args, re] of cases) {
      const r = await hv(sock, args);
      assert.equal(r.code, 1, `hvnet ${args.join(' ')}: exit ${r.code}, ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stdout, '');
    }
  });

  it('2: the command line itself is wrong (unknown command or option, missing argument, a value outside --format\'s choices)', async () => {
    const cases: [string[], RegExp][] = [
      [['nosuch'], /unknown command 'nosuch'|Unknown argument: nosuch/],
      [['project', 'list', '--no-such-option'], /Unknown argument/i],
      [['network', 'show'], /Not enough non-option arguments/i],
      [['network', 'show', 'A', 'extra'], /Unknown argument/i],
      [['project', 'list', '--format', 'xml'], /Invalid values|choices/i],
    ];
    for (const [args, re] of cases) {
      const r = await hv(sock, args);
      assert.equal(r.code, 2, `hvnet ${args.join(' ')}: exit ${r.code}, ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stdout, '');
    }
  });

  it('75: every transaction cut off before the NB saw it: the outcome is unknown, and hvnetd\'s log names the request of each failed transaction', async () => {
    relay.cutting = true;
    let r;
    try {
      r = await hv(sock, ['network', 'create', 'U', '--ipv4', '10.36.2.1/24', '--format', 'json']);
    } finally {
      relay.cutting = false;
    }
    assert.equal(r.code, 75, `exit ${r.code}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const doc: unknown = JSON.parse(r.stderr);
    assert.ok(isErrorDoc(doc), r.stderr);
    assert.equal(doc.code, 'HVNET_OVN_OUTCOME_UNKNOWN');
    assert.ok(relay.cut >= 2, `cut ${relay.cut} transactions`);
    // Nothing reached the NB, and the daemon serves again once the NB does.
    assert.equal((await hv(sock, ['network', 'show', 'U'])).code, 1);
    await hvOk(sock, ['network', 'show', 'A']);
    // The handler's call, handed down to the NB transaction path (no async context does it).
    const failed = await waitFor(
      'the failed transactions in the log',
      () => {
        const lines = readFileSync(join(d.setup.dir, 'hvnetd.log'), 'utf8').split('\n').filter((l) => l.startsWith('{'));
        const hits = lines.map((l) => JSON.parse(l) as { msg?: string; request?: { method?: string; project?: string; id?: unknown } | null }).filter((l) => l.msg === 'OVN NB transaction failed');
        return hits.length >= 2 ? hits : undefined;
      },
      5_000,
      50,
    );
    for (const l of failed) {
      assert.equal(l.request?.method, 'network.create', JSON.stringify(l));
      assert.equal(l.request?.project, 'default');
      assert.notEqual(l.request?.id, undefined);
    }
  });

  it('78: hvnet config check of an invalid configuration', async () => {
    const file = join(testRun.tempDir('bad-config'), 'hvnet.yaml');
    writeFileSync(file, 'ovn:\n  nb:\n    remotes: 42\nno_such_key: 1\n');
    const r = await hv(sock, ['config', 'check', file]);
    assert.equal(r.code, 78, `exit ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, /no_such_key/);
    assert.equal(r.stdout, '');
    const json = await hv(sock, ['config', 'check', file, '--format', 'json']);
    assert.equal(json.code, 78);
    const doc: unknown = JSON.parse(json.stderr);
    assert.ok(isErrorDoc(doc), json.stderr);
    assert.equal(doc.code, 'HVNET_CONFIG_INVALID');
    assert.ok(Array.isArray(doc.details.problems), json.stderr);
  });

  it('--format json|yaml: an error is that format on stderr ({code, message, details}), stdout empty', async () => {
    const json = await hv(sock, ['network', 'show', 'nope', '--format', 'json']);
    assert.equal(json.code, 1);
    assert.equal(json.stdout, '');
    const doc: unknown = JSON.parse(json.stderr);
    assert.ok(isErrorDoc(doc), json.stderr);
    assert.equal(doc.code, 'HVNET_OVN_NETWORK_NOT_FOUND');
    assert.match(doc.message, /network "nope" does not exist/);
    assert.equal(doc.details.network, 'nope');

    const yaml = await hv(sock, ['network', 'show', 'nope', '--format', 'yaml']);
    assert.equal(yaml.code, 1);
    assert.equal(yaml.stdout, '');
    assert.deepEqual(parseYaml(yaml.stderr), doc);

    const invalid = await hv(sock, ['network', 'peer', 'create', 'A', 'bad_name', 'p2/Z', '--format=json']);
    assert.equal(invalid.code, 1);
    const inv: unknown = JSON.parse(invalid.stderr);
    assert.ok(isErrorDoc(inv) && inv.code === 'HVNET_OVN_INVALID_NAME' && inv.details.field === 'peering', invalid.stderr);

    // A command line yargs refuses: the same shape, no help text mixed in.
    const usage = await hv(sock, ['project', 'list', '--no-such-option', '--format', 'json']);
    assert.equal(usage.code, 2);
    assert.equal(usage.stdout, '');
    const u: unknown = JSON.parse(usage.stderr);
    assert.ok(isErrorDoc(u) && u.code === 'HVNET_USAGE', usage.stderr);

    // table (the default) and csv: the message, for a person.
    for (const format of ['table', 'csv']) {
      const r = await hv(sock, ['network', 'show', 'nope', '--format', format]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^hvnet: network "nope" does not exist/);
    }
  });
});
