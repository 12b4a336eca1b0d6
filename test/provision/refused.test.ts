// A bad argument is refused before anything is written: exit 2, a message naming the flag and
// what it allows, and an empty root. Values are never run through a shell, so a value that looks
// like a command stays text.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testRun } from '../../testbed/test-run.js';
import { CONTROL, HYPERVISOR, outcome, tree } from './helpers.js';

const GOOD_HV = { '--host-id': 'hv1', '--nb': 'tcp:10.0.0.1:6641', '--sb': 'tcp:10.0.0.1:6642' };

describe('provision: refused arguments', () => {
  it('hypervisor.sh and control.sh refuse bad values naming the flag, and write nothing', async () => {
    const dir = testRun.tempDir('refused');
    const token = join(dir, 'token');
    writeFileSync(token, 't\n', { mode: 0o600 });
    const marker = join(dir, 'ran');
    const hv = (over: Record<string, string | null>, extra: string[] = []): string[] => {
      const merged: Record<string, string | null> = { ...GOOD_HV, ...over };
      return [HYPERVISOR, ...Object.entries(merged).flatMap(([k, v]) => (v === null ? [] : [k, v])), ...extra];
    };
    const cases: [string[], RegExp][] = [
      [hv({ '--host-id': 'hv 1' }), /--host-id 'hv 1': expected 1 to 64 of A-Z a-z 0-9 \. _ -/],
      [hv({ '--host-id': `$(touch ${marker})` }), /--host-id '\$\(touch .*\)': expected/],
      [hv({ '--host-id': '' }), /--host-id '': expected/],
      [hv({ '--nb': 'tcp:10.0.0.1' }), /--nb 'tcp:10\.0\.0\.1': expected comma-separated unix:\/PATH or tcp:IP:PORT/],
      [hv({ '--nb': 'ssl:10.0.0.1:6641' }), /--nb 'ssl:10\.0\.0\.1:6641': expected .*ssl: needs key files/],
      [hv({ '--sb': `tcp:10.0.0.1:6642;touch ${marker}` }), /--sb '.*': expected comma-separated/],
      [hv({ '--sb': 'tcp:10.0.0.1:70000' }), /--sb 'tcp:10\.0\.0\.1:70000': expected/],
      [hv({ '--sb': null }), /--sb is required/],
      [hv({}, ['--controller', 'ftp://10.0.0.1', '--token-file', token]), /--controller 'ftp:\/\/10\.0\.0\.1': expected http:\/\/HOST\[:PORT\]/],
      [hv({}, ['--controller', 'http://10.0.0.1/"x', '--token-file', token]), /--controller '.*': expected http/],
      [hv({}, ['--controller', 'http://10.0.0.1']), /--controller needs --token-file/],
      [hv({}, ['--controller', 'http://10.0.0.1', '--token-file', join(dir, 'missing')]), /--token-file '.*missing': expected a readable, non-empty file/],
      [hv({}, ['--controller', 'http://10.0.0.1', '--token-file', token, '--report-interval', '0']), /--report-interval '0': expected an integer from 1 to 86400/],
      [hv({}, ['--controller', 'http://10.0.0.1', '--token-at', 'token']), /--token-at 'token': expected an absolute path/],
      [hv({}, ['--controller', 'http://10.0.0.1', '--token-at', '/t', '--token-file', token]), /--token-file and --token-at exclude each other/],
      [hv({}, ['--required-network', 'a b']), /--required-network 'a b': expected \[PROJECT\/\]NETWORK/],
      [hv({}, ['--encap-ip', '300.1.1.1']), /--encap-ip '300\.1\.1\.1': expected an IPv4 or IPv6 address/],
      [hv({}, ['--libvirt-uri', "qemu:///system'"]), /--libvirt-uri '.*': expected a libvirt URI/],
      [hv({}, ['--libvirt-uri', 'qemu:///system?socket=/x;y']), /--libvirt-uri '.*': expected a libvirt URI/],
      [hv({}, ['--no-libvirt', '--libvirt-uri', 'qemu:///system']), /--no-libvirt and --libvirt-uri exclude each other/],
      [hv({}, ['--socket', 'run/hvnet.sock']), /--socket 'run\/hvnet\.sock': expected an absolute path/],
      [hv({}, ['--root', 'relative/dir']), /--root 'relative\/dir': expected an absolute path to an existing directory/],
      [hv({}, ['--bogus']), /unknown argument '--bogus' \(allowed: --host-id, --nb, --sb, --controller/],
      [hv({}, ['--encap-ip']), /--encap-ip needs a value/],
      [[CONTROL, '--listen-ip', '10.0.0', '--token-file', token], /--listen-ip '10\.0\.0': expected an IPv4 or IPv6 address/],
      [[CONTROL, '--listen-ip', '10.0.0.1', '--token-file', token, '--controller-port', '70000'], /--controller-port '70000': expected an integer from 1 to 65535/],
      [[CONTROL, '--listen-ip', '10.0.0.1'], /--token-file is required/],
      [[CONTROL, '--listen-ip', '10.0.0.1', '--token-file', token, '--nb', 'x'], /unknown argument '--nb' \(allowed: --listen-ip, --token-file/],
    ];
    for (const [args, message] of cases) {
      const root = testRun.tempDir('refused-root');
      // --root goes first, so a case whose last flag lacks its value stays that case.
      const withRoot = args.includes('--root') ? args : [args[0] ?? '', '--root', root, ...args.slice(1)];
      const r = await outcome('bash', withRoot);
      const what = withRoot.slice(1).join(' ');
      assert.equal(r.code, 2, `${what}: exit ${r.code}, ${r.stderr}`);
      assert.match(r.stderr, message, what);
      assert.equal(r.stdout, '', `${what}: nothing done`);
      assert.deepEqual(tree(root), [], `${what}: nothing written`);
    }
    assert.ok(!existsSync(marker), 'a value was run as a command');
  });
});
