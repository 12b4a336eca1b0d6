// hvnetd without a libvirtd to talk to: READY still comes at once (the NB is up), its STATUS and
// `hvnet status` say libvirt is disconnected and why, and the nic commands fail with a clear error
// instead of hanging. The CLI refuses bad input before anything reaches the daemon.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testRun } from '../../testbed/test-run.js';
import { NotifyListener, startHvnetd, writeConfig } from '../agent/harness.js';
import type { RunningHvnetd } from '../agent/harness.js';
import type { HostStatus } from '../../agent/api/status.js';
import { parseVirtualPort } from '../../agent/cli/commands/nic.js';
import { hintFor } from '../../agent/daemon/features/nics/errors.js';
import { NicCli } from './helpers.js';

describe('agent-nic: hvnetd without libvirt', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let notify: NotifyListener;
  let hv: RunningHvnetd;
  let cli: NicCli;
  let t0 = 0;

  before(async () => {
    ovn = await startOvn({ northd: false });
    const dir = testRun.tempDir('nic-nolibvirt');
    notify = await NotifyListener.start(dir);
    // A socket nobody listens on: virConnectOpen fails at once.
    const setup = writeConfig(dir, ovn.nb.unix, { libvirt: { uri: `qemu+unix:///system?socket=${dir}/no-libvirt.sock` } });
    t0 = Date.now();
    hv = await startHvnetd(setup, { env: { NOTIFY_SOCKET: notify.path } });
    cli = new NicCli(setup.socket);
  });

  after(async () => {
    await hv?.daemon.stop();
    await notify?.stop();
    await ovn?.stop();
  });

  it('READY within 5 s with a STATUS that names libvirt as disconnected', async () => {
    const ready = await notify.waitFor(/^READY=1$/, t0, 10_000);
    assert.ok(ready.at - t0 < 5_000, `READY after ${ready.at - t0} ms`);
    const st = notify.since(t0, /^STATUS=/).map((l) => l.text);
    assert.ok(st.some((l) => /libvirt disconnected/.test(l)), st.join('\n'));
  });

  it('hvnet status shows the libvirt state and why; nic commands fail clearly', async () => {
    const s = (await cli.json<{ status: HostStatus }>(['status'])).status;
    assert.equal(s.libvirt.state, 'disconnected');
    assert.match(s.libvirt.message ?? '', /cannot connect/);
    assert.deepEqual(s.nics, []);
    // Empty for want of a read, and said so: the controller keeps the host's last list meanwhile.
    assert.equal(s.libvirt.inventory, 'loading');
    const table = await cli.run(['status']);
    assert.match(table.stdout, /libvirt +\| disconnected/);
    const list = await cli.run(['nic', 'list']);
    assert.equal(list.code, 1);
    assert.match(list.stderr, /libvirt \(qemu\+unix.*\) is not connected/);
    const attach = await cli.run(['nic', 'attach', 'vm1', '--source', 'eth0', '--mode', 'bridge']);
    assert.equal(attach.code, 1);
    assert.match(attach.stderr, /not connected/);
  });

  it('bad input is refused before libvirt is asked: spec fields and virtualport words exit 1, a mode outside the choices exits 2', async () => {
    const cases: [string[], number, RegExp][] = [
      [['--source', 'eth0', '--mac', '01:00:5e:00:00:01'], 1, /invalid mac "01:00:5e:00:00:01"/],
      [['--source', 'eth0', '--model', 'ne2k'], 1, /invalid model "ne2k": allowed one of virtio/],
      [['--source', 'bad/name'], 1, /invalid source/],
      [['--source', 'eth0', '--mode', 'bridge', '--virtualport', '802.1Qbh', 'profileid=x'], 1, /mode "bridge" cannot be used with virtualport.type "802.1Qbh"/],
      [['--source', 'eth0', '--virtualport', '802.1Qbg', 'managerid=0', 'typeid=1', 'typeidversion=1'], 1, /invalid virtualport.managerid 0/],
      [['--source', 'eth0', '--virtualport', '802.1Qbx'], 1, /unknown type "802.1Qbx"/],
      [['--source', 'eth0', '--mode', 'vepa-typo'], 2, /Invalid values|choices/i],
    ];
    for (const [args, code, re] of cases) {
      const r = await cli.run(['nic', 'attach', 'vm1', ...args]);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
    }
  });

  it("libvirt's refusal hints: a PCI slot QEMU already uses is not a full bus, and no paused guest is blamed", () => {
    const clash = [
      "internal error: unable to execute QEMU command 'device_add': PCI: slot 0 function 0 not available for virtio-net-pci, in use by virtio-net-pci,id=(null)",
      "internal error: unable to execute QEMU command 'netdev_add': Duplicate ID 'hostnet1' for netdev",
    ];
    for (const m of clash) {
      const h = hintFor(m);
      assert.match(h, /does not know of/, m);
      assert.doesNotMatch(h, /no free PCIe slot|paused/, m);
    }
    assert.match(hintFor('XML error: No more available PCI slots'), /no free PCIe slot/);
  });

  it('parses --virtualport words', () => {
    assert.deepEqual(parseVirtualPort(['802.1Qbg', 'managerid=11', 'typeid=0x123457', 'typeidversion=2']), { type: '802.1Qbg', managerid: 11, typeid: 0x123457, typeidversion: 2 });
    assert.deepEqual(parseVirtualPort(['802.1Qbh', 'profileid=finance']), { type: '802.1Qbh', profileid: 'finance' });
    assert.throws(() => parseVirtualPort(['802.1Qbh', 'managerid=1']), /has no parameter managerid/);
    assert.throws(() => parseVirtualPort(['802.1Qbg', 'managerid']), /not KEY=VALUE/);
  });
});
