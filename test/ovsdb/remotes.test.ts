import assert from 'node:assert/strict';
import { InvalidRemoteError } from '../../lib/ovsdb/errors.js';
import { formatRemote, formatRemotes, parseRemote, parseRemotes } from '../../lib/ovsdb/remotes.js';
import type { Remote, SslFiles } from '../../lib/ovsdb/remotes.js';

const ssl: SslFiles = { privateKey: '/etc/hvnet/key.pem', certificate: '/etc/hvnet/cert.pem', caCertificate: '/etc/hvnet/ca.pem' };

describe('remotes: parsing and formatting OVSDB remotes', () => {
  const valid: [string, Remote][] = [
    ['unix:/var/run/ovn/ovnnb_db.sock', { kind: 'unix', path: '/var/run/ovn/ovnnb_db.sock' }],
    ['unix:relative/nb.sock', { kind: 'unix', path: 'relative/nb.sock' }],
    ['tcp:127.0.0.1:6641', { kind: 'tcp', host: '127.0.0.1', port: 6641, family: 4 }],
    ['tcp:10.0.0.1:1', { kind: 'tcp', host: '10.0.0.1', port: 1, family: 4 }],
    ['tcp:[::1]:65535', { kind: 'tcp', host: '::1', port: 65535, family: 6 }],
    ['tcp:[fd42:1::1]:6641', { kind: 'tcp', host: 'fd42:1::1', port: 6641, family: 6 }],
    ['ssl:192.0.2.10:6641', { kind: 'ssl', host: '192.0.2.10', port: 6641, family: 4, ssl }],
    ['ssl:[2001:db8::5]:6641', { kind: 'ssl', host: '2001:db8::5', port: 6641, family: 6, ssl }],
  ];
  for (const [text, expected] of valid) {
    it(`parses ${text} and formats it back unchanged`, () => {
      const remote = parseRemote(text, { ssl });
      assert.deepEqual(remote, expected);
      assert.equal(formatRemote(remote), text);
    });
  }

  const invalid: [string, RegExp][] = [
    ['', /empty remote/],
    ['   ', /empty remote/],
    [' tcp:127.0.0.1:6641', /whitespace/],
    ['ptcp:6641:127.0.0.1', /ptcp: is a passive \(listening\) remote/],
    ['punix:/run/nb.sock', /punix: is a passive/],
    ['pssl:6641', /pssl: is a passive/],
    ['http://127.0.0.1:6641', /unknown scheme "http"/],
    ['/var/run/nb.sock', /no scheme/],
    ['unix:', /needs a socket path/],
    ['tcp:127.0.0.1', /missing :PORT/],
    ['tcp:127.0.0.1:', /port "" is not a number/],
    ['tcp:127.0.0.1:0', /port 0 is outside 1-65535/],
    ['tcp:127.0.0.1:65536', /port 65536 is outside/],
    ['tcp:127.0.0.1:66a', /port "66a" is not a number/],
    ['tcp:127.0.0.1:-1', /port "-1" is not a number/],
    ['tcp:127.0.0.1:123456', /port "123456" is not a number/],
    ['tcp:300.1.1.1:6641', /"300.1.1.1" is not an IPv4 address/],
    ['tcp:ovn-central:6641', /"ovn-central" is not an IPv4 address \(host names are not resolved\)/],
    ['tcp:::1:6641', /an IPv6 address must be written in brackets/],
    ['tcp:fd42::1:6641', /an IPv6 address must be written in brackets/],
    ['tcp:[::1]6641', /missing :PORT after the \[IPv6\] address/],
    ['tcp:[::1:6641', /unterminated \[IPv6\]/],
    ['tcp:[127.0.0.1]:6641', /"127.0.0.1" is not an IPv6 address/],
    ['ssl:127.0.0.1:6641', /ssl: needs privateKey, certificate and caCertificate/],
  ];
  for (const [text, message] of invalid) {
    it(`refuses ${JSON.stringify(text)} naming the remote and the allowed forms`, () => {
      assert.throws(
        () => parseRemote(text),
        (e: unknown) => {
          assert.ok(e instanceof InvalidRemoteError);
          assert.equal(e.code, 'HVNET_OVSDB_INVALID_REMOTE');
          assert.equal(e.remote, text);
          assert.match(e.message, message);
          assert.ok(e.message.includes(JSON.stringify(text)), 'the message quotes the remote');
          assert.match(e.message, /allowed: unix:PATH, tcp:IP:PORT, tcp:\[IPv6\]:PORT, ssl:IP:PORT/);
          return true;
        },
      );
    });
  }

  it('refuses an ssl remote whose key material option is empty', () => {
    assert.throws(() => parseRemote('ssl:127.0.0.1:6641', { ssl: { ...ssl, caCertificate: '' } }), /option caCertificate is empty/);
  });

  it('parses a comma-separated cluster list in order, tolerating blanks around commas', () => {
    const remotes = parseRemotes('tcp:127.0.0.1:6641, tcp:[::1]:6643 ,unix:/run/nb.sock');
    assert.deepEqual(remotes, [
      { kind: 'tcp', host: '127.0.0.1', port: 6641, family: 4 },
      { kind: 'tcp', host: '::1', port: 6643, family: 6 },
      { kind: 'unix', path: '/run/nb.sock' },
    ]);
    assert.equal(formatRemotes(remotes), 'tcp:127.0.0.1:6641,tcp:[::1]:6643,unix:/run/nb.sock');
  });

  it('refuses a list with one bad member, naming that member', () => {
    assert.throws(
      () => parseRemotes('tcp:127.0.0.1:6641,tcp:127.0.0.1:99999'),
      (e: unknown) => e instanceof InvalidRemoteError && e.remote === 'tcp:127.0.0.1:99999',
    );
    assert.throws(() => parseRemotes('tcp:127.0.0.1:6641,'), /empty remote/);
    assert.throws(() => parseRemotes(''), /empty remote list/);
  });

  it('gives every ssl remote of a list the same key material, as a copy', () => {
    const files = { ...ssl };
    const [a, b] = parseRemotes('ssl:127.0.0.1:1,ssl:127.0.0.2:2', { ssl: files });
    assert.ok(a?.kind === 'ssl' && b?.kind === 'ssl');
    files.privateKey = '/changed';
    assert.equal(a.ssl.privateKey, '/etc/hvnet/key.pem');
    assert.deepEqual(a.ssl, b.ssl);
  });
});
