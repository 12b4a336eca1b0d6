// Every libvirt failure becomes a typed error carrying libvirt's numbers and message, read on the
// calling thread; libvirt's own printing to stderr is silenced.
import assert from 'node:assert/strict';
import { LibvirtConnection } from '../../lib/libvirt/connection.js';
import { LibvirtCallError, LibvirtError, isDisconnection } from '../../lib/libvirt/errors.js';
import { VirErrorCode, VirErrorDomain } from '../../lib/libvirt/constants.js';
import { libvirtFixture, runChild } from './helpers.js';

describe('libvirt binding: errors', function () {
  this.timeout(120_000);
  const fx = libvirtFixture();

  it('lookup of a missing domain rejects with LibvirtCallError code 42, domain 10 and libvirt\'s message', async () => {
    const err = await fx.conn.lookupDomainByName('hvnet-no-such-domain').then(
      () => assert.fail('lookup succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof LibvirtCallError, String(err));
    assert.ok(err instanceof LibvirtError);
    assert.equal(err.code, 'HVNET_LIBVIRT_CALL_FAILED');
    assert.equal(err.virCode, VirErrorCode.NO_DOMAIN);
    assert.equal(err.virDomain, VirErrorDomain.QEMU);
    assert.equal(err.virMessage, "Domain not found: no domain with matching name 'hvnet-no-such-domain'");
    assert.equal(err.fn, 'virDomainLookupByName');
    assert.equal(err.domainName, 'hvnet-no-such-domain');
    assert.equal(err.isNoDomain, true);
    // the connection is still fine afterwards
    assert.ok((await fx.conn.getLibVersion()) > 0);
  });

  it('lookup by a UUID nobody has carries the UUID', async () => {
    const uuid = '00000000-0000-4000-8000-00000000abcd';
    const err = await fx.conn.lookupDomainByUUID(uuid).then(
      () => assert.fail('lookup succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof LibvirtCallError);
    assert.equal(err.virCode, VirErrorCode.NO_DOMAIN);
    assert.equal(err.domainUuid, uuid);
  });

  it('a failing open rejects with LibvirtCallError from virConnectOpen and leaves nothing running', async () => {
    const err = await LibvirtConnection.open('qemu+unix:///system?socket=/nonexistent/hvnet.sock').then(
      async (c) => {
        await c.close();
        assert.fail('open succeeded');
      },
      (e: unknown) => e,
    );
    assert.ok(err instanceof LibvirtCallError, String(err));
    assert.equal(err.fn, 'virConnectOpen');
    assert.equal(err.virCode, VirErrorCode.SYSTEM_ERROR);
    assert.match(err.virMessage, /nonexistent/);
  });

  it('nothing reaches stderr: a child process that hits the error prints only its JSON', async () => {
    const r = await runChild([fx.libvirt.uri, 'lookup-missing', 'hvnet-no-such-domain'], { timeoutMs: 30_000 });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(out, {
      name: 'LibvirtCallError',
      code: 'HVNET_LIBVIRT_CALL_FAILED',
      virCode: 42,
      virDomain: 10,
      virMessage: "Domain not found: no domain with matching name 'hvnet-no-such-domain'",
      fn: 'virDomainLookupByName',
    });
  });

  it('tells a lost connection from an operation failure (by libvirt code and message)', () => {
    const rpc = VirErrorDomain.RPC;
    assert.equal(isDisconnection({ virCode: 1, virDomain: rpc, virMessage: 'internal error: client socket is closed' }), true);
    assert.equal(isDisconnection({ virCode: 38, virDomain: rpc, virMessage: 'Cannot recv data: Connection reset by peer' }), true);
    assert.equal(isDisconnection({ virCode: 38, virDomain: rpc, virMessage: 'End of file while reading data: Input/output error' }), true);
    assert.equal(isDisconnection({ virCode: 42, virDomain: 10, virMessage: 'Domain not found' }), false);
    assert.equal(
      isDisconnection({ virCode: 38, virDomain: VirErrorDomain.QEMU, virMessage: 'Unable to get index for interface nonexist0: No such device' }),
      false,
    );
  });
});
