// bench/nic: hot-plugging a macvtap NIC into one running tiny TCG guest, live, with the same
// device XML, by three tools alternated in the same run:
//   hvnet     nic.attach / nic.detach through hvnetd's socket (its checks included; the detach
//             is confirmed: it answers once DEVICE_REMOVED came)
//   virsh     attach-device / detach-device --live (a new process each time, as an operator runs it)
//   python    python3-libvirt attachDeviceFlags / detachDeviceFlags + waiting for DEVICE_REMOVED
//             from libvirt's event loop on a thread (one long-lived process)
// then the binding's raw round trip against python3-libvirt (binding-roundtrip.ts).
// This process never loads the FFI: its own checks use virsh, and the round trip runs as a child
// process. Whatever happens to the binding there (a signal included), the finally below stops by
// PID what this process started: libvirtd, virtlogd, the guest, hvnetd.
//
//   node dist/bench/nic/main.js [--cycles 100] [--calls 1000] [--rounds 30]   (round trip: calls per tool and round)
// It uses the libvirtd that runs (the lab's, `scripts/lab up`) or, when none does, starts its own
// libvirtd + virtlogd and stops them; HVNET_BENCH_SMOKE=1 (what scripts/test runs) is a short run.
import { spawn, execFile } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startLibvirt, findDaemonProcesses } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { buildTinyGuest, GUEST_READY_MARKER } from '../../testbed/guest.js';
import { run, waitFor } from '../../testbed/exec.js';
import { vethPair } from '../../testbed/netns.js';
import { testRun } from '../../testbed/test-run.js';
import { runBench } from '../common/run-bench.js';
import { startBenchHvnetd } from '../common/bench-hvnetd.js';
import { nicAttachMethod, nicDetachMethod, nicPoolMethod } from '../../agent/api/nics.js';
import { formatRatio, pairedRatioSpread, ratioSpread } from './ratio.js';
import { fileURLToPath } from 'node:url';

const smoke = process.env.HVNET_BENCH_SMOKE === '1';
const URI = 'qemu:///system';
const PAUSE_MS = 300;
// Inside the default pool (02:68:6e:00:00:00-02:68:6e:ff:ff:ff), far from where allocation starts: one of
// hvnet's own, as the pool sees it; 02:68:76:… is the router ports' range, which --mac refuses.
const MAC = '02:68:6e:be:0c:01';

function option(name: string, full: number, small: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : smoke ? small : full;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} needs a whole number >= 1`);
  return v;
}
const CYCLES = option('cycles', 100, 3);
const CALLS = option('calls', 1_000, 200);
const ROUNDS = option('rounds', 30, 3);

const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

function virshTimed(args: readonly string[]): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile('virsh', ['-q', '-c', URI, ...args], { timeout: 30_000 }, (err, _out, stderr) => {
      if (err) reject(new Error(`virsh ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(performance.now() - t0);
    });
  });
}

const PY = `
import libvirt, sys, threading, time, json
libvirt.virEventRegisterDefaultImpl()
def loop():
    while True:
        libvirt.virEventRunDefaultImpl()
threading.Thread(target=loop, daemon=True).start()
uri, name, xmlfile, alias = sys.argv[1:5]
xml = open(xmlfile).read()
c = libvirt.open(uri)
d = c.lookupByName(name)
removed = threading.Event()
def cb(conn, dom, dev, opaque):
    if dev == alias:
        removed.set()
c.domainEventRegisterAny(d, libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, cb, None)
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    cmd = line.strip()
    try:
        if cmd == "attach":
            t = time.perf_counter()
            d.attachDeviceFlags(xml, libvirt.VIR_DOMAIN_AFFECT_LIVE)
            ms = (time.perf_counter() - t) * 1000
        elif cmd == "detach":
            removed.clear()
            t = time.perf_counter()
            d.detachDeviceFlags(xml, libvirt.VIR_DOMAIN_AFFECT_LIVE)
            if not removed.wait(10):
                raise Exception("no DEVICE_REMOVED within 10 s")
            ms = (time.perf_counter() - t) * 1000
        else:
            break
        print(json.dumps({"ms": ms}), flush=True)
    except Exception as e:
        print(json.dumps({"error": str(e)}), flush=True)
`;

class PythonTool {
  private readonly lines: AsyncIterator<string>;
  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  }

  static async start(domain: string, xmlFile: string, alias: string): Promise<PythonTool> {
    const proc = spawn('/usr/bin/python3', ['-c', PY, URI, domain, xmlFile, alias], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    testRun.trackPid(proc.pid ?? 0);
    const tool = new PythonTool(proc);
    const first = await tool.next().catch((e: unknown) => {
      throw new Error(`python3-libvirt helper did not start: ${(e as Error).message} ${stderr}`);
    });
    if (!('ready' in first)) throw new Error(`python3-libvirt helper: ${JSON.stringify(first)} ${stderr}`);
    return tool;
  }

  private async next(): Promise<{ ms?: number; error?: string; ready?: boolean }> {
    const r = await this.lines.next();
    if (r.done === true) throw new Error('python3-libvirt helper exited');
    return JSON.parse(r.value) as { ms?: number; error?: string; ready?: boolean };
  }

  async op(cmd: 'attach' | 'detach'): Promise<number> {
    this.proc.stdin.write(`${cmd}\n`);
    const r = await this.next();
    if (r.error !== undefined || r.ms === undefined) throw new Error(`python3-libvirt ${cmd}: ${r.error ?? 'no timing'}`);
    return r.ms;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.stdin.end('quit\n');
      setTimeout(() => this.proc.kill('SIGKILL'), 5_000).unref();
    });
  }
}

/** Gone or a zombie (PID 1 may reap late here). */
function exited(pid: number): boolean {
  try {
    return !existsSync(`/proc/${pid}`) || /\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

function guestXml(name: string, kernel: string, initrd: string, consoleLog: string): string {
  return `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type><kernel>${kernel}</kernel><initrd>${initrd}</initrd><cmdline>console=ttyS0 panic=-1 quiet</cmdline></os>
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='pci' model='pcie-root'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='usb' model='none'/>
    <serial type='pty'><log file='${consoleLog}' append='off'/><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <memballoon model='none'/>
  </devices>
</domain>
`;
}

async function main(): Promise<void> {
  // --- a libvirtd ------------------------------------------------------------------------------
  let own: Libvirt | undefined;
  const running = findDaemonProcesses('/proc', new Set()).filter((p) => p.name === 'libvirtd' || p.name === 'virtqemud');
  if (running.length === 0) {
    own = await startLibvirt();
    console.log(`started libvirtd ${own.libvirtdPid} and virtlogd ${own.virtlogdPid} for this run`);
  } else {
    console.log(`using the running libvirtd (pid ${running.map((p) => p.pid).join(', ')})`);
  }

  // --- guest, veth, hvnetd ---------------------------------------------------------------------
  const image = await buildTinyGuest();
  const dir = testRun.tempDir('bench-nic');
  const name = `${testRun.nextName()}-bench`;
  const consoleLog = join(dir, 'console.log');
  writeFileSync(join(dir, 'guest.xml'), guestXml(name, image.kernel, image.initrd, consoleLog));
  let qemuPid = 0;
  testRun.onCleanup(`bench guest ${name}`, async () => {
    await run('virsh', ['-q', '-c', URI, 'destroy', name]).catch(() => undefined);
    if (qemuPid > 0) await waitFor(`QEMU ${qemuPid} to exit`, () => (exited(qemuPid) ? true : undefined), 15_000, 20);
    await run('rm', ['-f', `/var/log/libvirt/qemu/${name}.log`]);
  });
  await run('virsh', ['-q', '-c', URI, 'create', join(dir, 'guest.xml')], { timeoutMs: 60_000 });
  qemuPid = Number(readFileSync(`/run/libvirt/qemu/${name}.pid`, 'utf8').trim());
  await waitFor(`${name} ready`, () => (readFileSync(consoleLog, 'utf8').includes(GUEST_READY_MARKER) ? true : undefined), 120_000, 50);
  const veth = await vethPair();

  const { client } = await startBenchHvnetd(dir, {
    ovn: { nb: { remotes: `unix:${join(dir, 'no-nb.sock')}`, readyTimeoutSeconds: 0 } },
    libvirt: { uri: URI },
  });

  const spec = { domain: name, source: veth.a, mode: 'bridge', mac: MAC, live: true };
  const dry = await client.call(nicAttachMethod, { ...spec, dryRun: true });
  const xmlFile = join(dir, 'nic.xml');
  writeFileSync(xmlFile, dry.xml);
  const python = await PythonTool.start(name, xmlFile, dry.alias);

  type Tool = 'hvnet' | 'virsh' | 'python';
  const tools: Tool[] = ['hvnet', 'virsh', 'python'];
  const times: Record<Tool, { attach: number[]; detach: number[] }> = {
    hvnet: { attach: [], detach: [] },
    virsh: { attach: [], detach: [] },
    python: { attach: [], detach: [] },
  };
  const attach = async (t: Tool): Promise<number> => {
    if (t === 'virsh') return virshTimed(['attach-device', name, xmlFile, '--live']);
    if (t === 'python') return python.op('attach');
    const t0 = performance.now();
    const r = await client.call(nicAttachMethod, spec);
    const ms = performance.now() - t0;
    if (r.xml !== dry.xml || r.target === undefined) throw new Error(`hvnet attached other XML or no target: ${JSON.stringify(r)}`);
    return ms;
  };
  const detach = async (t: Tool): Promise<number> => {
    if (t === 'virsh') return virshTimed(['detach-device', name, xmlFile, '--live']);
    if (t === 'python') return python.op('detach');
    const t0 = performance.now();
    const r = await client.call(nicDetachMethod, { domain: name, nic: MAC });
    const ms = performance.now() - t0;
    if (!r.live) throw new Error(`hvnet detach: ${JSON.stringify(r)}`);
    return ms;
  };
  const present = async (): Promise<boolean> => (await run('virsh', ['-q', '-c', URI, 'dumpxml', name])).includes(MAC);

  try {
    console.log(`NIC hot-plug on ${name} (TCG, q35), bridge-mode macvtap on ${veth.a}, ${CYCLES} cycles, tools alternated, ${PAUSE_MS} ms pauses (load ${load()})`);
    for (let i = 0; i < CYCLES; i++) {
      for (let k = 0; k < tools.length; k++) {
        const t = tools[(i + k) % tools.length] as Tool;
        times[t].attach.push(await attach(t));
        await sleep(PAUSE_MS);
        if (!(await present())) throw new Error(`${t}: the NIC is not in the live XML after attach`);
        times[t].detach.push(await detach(t));
        // virsh's and python's detach return when libvirt saw DEVICE_REMOVED; the XML must agree.
        await waitFor(`${t}: NIC gone from the live XML`, async () => ((await present()) ? undefined : true), 10_000, 20);
        // hvnetd learns of another tool's detach from DEVICE_REMOVED and refreshes its MAC pool
        // after it; under load that can come after the XML changed, and its next attach would be
        // refused as a duplicate MAC. Untimed.
        let pool = '';
        await waitFor(
          `${t}: hvnetd sees the MAC free`,
          async () => ((pool = JSON.stringify(await client.call(nicPoolMethod, {}))).includes(MAC) ? undefined : true),
          10_000,
          20,
        ).catch((e: unknown) => {
          throw new Error(`${(e as Error).message}; hvnetd's nic.pool: ${pool}`);
        });
        await sleep(PAUSE_MS);
      }
    }
  } finally {
    await python.stop();
  }

  const m = (t: Tool, op: 'attach' | 'detach'): number => median(times[t][op]);
  const row = (t: Tool, what: string): string =>
    `  ${t.padEnd(7)} attach ${m(t, 'attach').toFixed(1).padStart(6)} ms   ${what.padEnd(26)} ${m(t, 'detach').toFixed(1).padStart(6)} ms`;
  console.log(`medians (load ${load()}):`);
  console.log(row('hvnet', 'detach (confirmed)'));
  console.log(row('virsh', 'detach-device --live'));
  console.log(row('python', 'detach + DEVICE_REMOVED'));
  const ratio = (a: number, b: number, target: number, label: string): string => {
    const r = a / b;
    return `  ${label.padEnd(44)} ${r.toFixed(2)}×  (target ≤ ${target}×: ${r <= target ? 'met' : 'NOT met'})`;
  };
  console.log('ratios:');
  console.log(ratio(m('hvnet', 'attach'), m('virsh', 'attach'), 0.5, 'hvnet attach / virsh attach-device'));
  console.log(ratio(m('hvnet', 'attach'), m('python', 'attach'), 1.2, 'hvnet attach / python attachDeviceFlags'));
  // The two tools' detaches of one cycle are seconds apart: paired, a drift of the load between
  // cycles cancels; the guest's own spread per unplug does not.
  console.log(
    `  ${'hvnet confirmed detach / python confirmed'.padEnd(44)} ${formatRatio(pairedRatioSpread(times.hvnet.detach, times.python.detach), 1.05)} over ${CYCLES} cycles (median of per-cycle ratios)`,
  );
  console.log(`  ${'  the same, unpaired (ratio of medians)'.padEnd(44)} ${formatRatio(ratioSpread(times.hvnet.detach, times.python.detach), 1.05)}`);

  await roundTripChild(CALLS, ROUNDS);
}

/** binding-roundtrip.js in its own process (see the top of this file); says how it ended. */
async function roundTripChild(calls: number, rounds: number): Promise<void> {
  const script = fileURLToPath(new URL('./binding-roundtrip.js', import.meta.url));
  const child = spawn(process.execPath, [script, '--uri', URI, String(calls), String(rounds)], { stdio: ['ignore', 'inherit', 'inherit'] });
  testRun.trackPid(child.pid ?? 0);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, sig) => resolve([c, sig]));
  });
  if (signal !== null) throw new Error(`the binding round trip (node ${script}, pid ${child.pid}) died by ${signal}`);
  if (code !== 0) throw new Error(`the binding round trip (node ${script}, pid ${child.pid}) exited with code ${code}`);
}

await runBench('bench/nic', main);
