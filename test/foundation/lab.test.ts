// scripts/lab as a new user runs it: `up` starts OVN and libvirt and prints remotes that work,
// a second `up` starts nothing new, `down` leaves no process, socket or pidfile behind.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, isAlive, waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { assertNoForeignLibvirt } from '../../testbed/libvirt.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const DAEMONS = ['nb', 'sb', 'northd', 'ovs-db', 'vswitchd', 'ovn-controller', 'virtlogd', 'libvirtd', 'controller', 'hvnetd'];

describe('scripts/lab', function () {
  this.timeout(120_000);
  let lab: string;
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, HVNET_LAB_DIR: lab });
  const labCmd = (verb: string): Promise<string> => run('bash', [join(repo, 'scripts/lab'), verb], { env: env(), timeoutMs: 110_000 });
  const pids = (): Record<string, number> =>
    Object.fromEntries(DAEMONS.filter((d) => existsSync(join(lab, `${d}.pid`))).map((d) => [d, Number(readFileSync(join(lab, `${d}.pid`), 'utf8').trim())]));

  before(async () => {
    // The lab starts a system libvirtd; one that another test left running would be refused.
    await assertNoForeignLibvirt();
    lab = testRun.tempDir('lab');
  });

  after(async () => {
    // Whatever happened above, the lab's daemons go (by the PIDs it recorded).
    if (lab) await labCmd('down').catch(() => undefined);
  });

  it('up starts OVN and libvirt and prints remotes that answer; up again starts nothing new; down stops all', async () => {
    const out = await labCmd('up');
    const nb = /OVN_NB_DB=(unix:\S+)/.exec(out)?.[1];
    const tcp = /\(also (tcp:127\.0\.0\.1:\d+)\)/.exec(out)?.[1];
    const uri = /LIBVIRT_DEFAULT_URI=(\S+)/.exec(out)?.[1];
    assert.ok(nb && tcp && uri, `remotes printed:\n${out}`);
    await run('ovn-nbctl', [`--db=${nb}`, 'show']);
    await run('ovn-nbctl', [`--db=${tcp}`, 'ls-add', 'lab-check']);
    assert.match(await run('ovn-nbctl', [`--db=${nb}`, 'ls-list']), /lab-check/);
    assert.match(await run('virsh', ['-c', uri, 'version']), /Using library: libvirt/);
    const socket = /HVNET_SOCKET=(\S+)/.exec(out)?.[1];
    const page = /controller:\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
    assert.ok(socket && page, `hvnetd socket and controller page printed:\n${out}`);
    const status = JSON.parse(await run('node', [join(repo, 'dist/agent/hvnet-cli.cjs'), '--socket', socket, '--format', 'json', 'status'])) as {
      status: { host: { id: string } };
    };
    assert.equal(status.status.host.id, 'lab-host');
    // The first report goes out within a second of a change; the page needs no token (--open-reads).
    const html = await waitFor('the lab host on the controller page', async () => {
      const text = await fetch(page).then((r) => r.text());
      return text.includes('lab-host') ? text : undefined;
    }, 15_000, 200);
    assert.match(html, /<html/i);

    // The demos of scripts/lab.d ran: a created peering between two projects, a macvtap NIC on a VM.
    const hvnet = (args: string[]): Promise<string> => run('node', [join(repo, 'dist/agent/hvnet-cli.cjs'), '--socket', socket, ...args]);
    const peers = JSON.parse(await hvnet(['--format', 'json', 'network', 'peer', 'list', 'lab-a'])) as { status: string }[];
    assert.ok(peers.length > 0 && peers.every((p) => p.status === 'Created'), `lab-a peerings: ${JSON.stringify(peers)}`);
    assert.match(out, /3 packets transmitted, 3 received/, 'the peering demo pinged from lab-a to lab-b over the chassis');
    const nics = JSON.parse(await hvnet(['--format', 'json', 'nic', 'list'])) as { mode: string; domain: string }[];
    assert.ok(nics.some((n) => n.mode === 'bridge' && n.domain === 'hvnet-lab-nic'), `NICs: ${JSON.stringify(nics)}`);

    const first = pids();
    assert.deepEqual(Object.keys(first).sort(), [...DAEMONS].sort());
    for (const pid of Object.values(first)) assert.ok(await isAlive(pid));

    const again = await labCmd('up');
    assert.match(again, /already up/);
    assert.deepEqual(pids(), first, 'a second up starts no second set');
    assert.match(await labCmd('status'), /libvirtd\s+running/);

    await labCmd('down');
    for (const [name, pid] of Object.entries(first)) assert.equal(await isAlive(pid), false, `${name} (${pid}) still runs`);
    const left = readdirSync(lab).filter((f) => /\.(pid|sock|ctl)$/.test(f));
    assert.deepEqual(left, [], 'no pidfile, socket or control file left');
    assert.equal(existsSync('/run/libvirt/libvirt-sock'), false);
    const chassisNs = /in netns (\S+)/.exec(out)?.[1] ?? '';
    const tag = chassisNs.slice(0, -1);
    assert.ok(tag.length > 3, `chassis netns named: ${chassisNs}`);
    const namespaces = await run('ip', ['netns', 'list']);
    assert.doesNotMatch(namespaces, new RegExp(tag), 'no namespace of the lab left');
    assert.doesNotMatch(await run('ip', ['-o', 'link', 'show']), new RegExp(tag), 'no link of the lab left');
    assert.match(await labCmd('status'), /nb\s+stopped/);
  });
});
