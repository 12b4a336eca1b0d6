// Shared bits of the NIC acceptance tests: a describe's OVN, libvirtd, guest and hvnetd; the real
// CLI against a test hvnetd, JSON output parsed; and a domain that is defined but never started
// (for persistent-only attaches).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hvnetCli, startHvnetd, writeConfig } from '../agent/harness.js';
import type { CliResult, HvnetdSetup, RunningHvnetd } from '../agent/harness.js';
import { buildTinyGuest, startTinyGuest } from '../../testbed/guest.js';
import type { TinyGuest } from '../../testbed/guest.js';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testRun } from '../../testbed/test-run.js';
import { run, waitFor } from '../../testbed/exec.js';
import { statusMethod } from '../../agent/api/methods.js';

/** Set by the run to leave out the tests that need a running guest. */
export const skipVm = (): boolean => process.env.HVNET_SKIP_VM === '1';

/** What a describe block of VM tests runs against (`hv` may be replaced by a test that restarts hvnetd). */
export interface VmHvnetd {
  ovn: OvnHandle;
  libvirt: Libvirt;
  guest: TinyGuest;
  setup: HvnetdSetup;
  hv: RunningHvnetd;
  cli: NicCli;
}

/**
 * For a describe block of VM tests: its own OVN NB, libvirtd and running TCG guest, and an hvnetd
 * with libvirt on (its files under a temp dir named `dir`), connected to libvirt, with the CLI.
 * Started before the block's tests (call it before the block's own hooks), stopped after them.
 */
export function vmHvnetdFixture(dir: string): VmHvnetd {
  const f = {} as VmHvnetd;
  before(async function () {
    if (skipVm()) this.skip();
    this.timeout(240_000);
    f.ovn = await startOvn({ northd: false });
    f.libvirt = await startLibvirt();
    f.guest = await startTinyGuest(f.libvirt);
    f.setup = writeConfig(testRun.tempDir(dir), f.ovn.nb.unix, { libvirt: { enabled: true } });
    f.hv = await startHvnetd(f.setup);
    f.cli = new NicCli(f.setup.socket);
    await libvirtConnected(f.hv);
  });
  after(async () => {
    await f.hv?.daemon.stop();
    await f.guest?.stop();
    await f.libvirt?.stop();
    await f.ovn?.stop();
  });
  return f;
}

/** Until hvnetd says it is connected to libvirt. */
export function libvirtConnected(hv: RunningHvnetd): Promise<true> {
  return waitFor('hvnetd connected to libvirt', async () => ((await hv.client.call(statusMethod, {}).catch(() => undefined))?.status.libvirt.state === 'connected' ? true : undefined), 15_000, 100);
}

export class NicCli {
  constructor(readonly socket: string) {}

  run(args: readonly string[], timeoutMs = 40_000): Promise<CliResult> {
    return hvnetCli(['--socket', this.socket, ...args], { timeoutMs });
  }

  /** Runs with --format json; asserts exit 0; returns the parsed output. */
  async json<T>(args: readonly string[], timeoutMs?: number): Promise<T> {
    const r = await this.run([...args, '--format', 'json'], timeoutMs);
    assert.equal(r.code, 0, `hvnet ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  }
}

/** libvirt's `passthrough` is the kernel's `passthru`. */
export function kernelMode(mode: string): string {
  return mode === 'passthrough' ? 'passthru' : mode;
}

/** `ip -d link show DEV`: asserts it is a macvtap in `mode`. */
export async function assertMacvtapMode(dev: string, mode: string): Promise<void> {
  const out = await run('ip', ['-d', 'link', 'show', dev]);
  assert.match(out, new RegExp(`macvtap mode ${kernelMode(mode)}\\b`), `ip -d link show ${dev}:\n${out}`);
}

export async function linkExists(dev: string): Promise<boolean> {
  return run('ip', ['link', 'show', dev]).then(
    () => true,
    () => false,
  );
}

/** The `<interface>` element with this MAC in a domain XML, or undefined. */
export function interfaceWithMac(xml: string, mac: string): string | undefined {
  for (const m of xml.matchAll(/<interface\b[\s\S]*?<\/interface>/g)) if (m[0].includes(`'${mac}'`)) return m[0];
  return undefined;
}

export interface StoppedDomain {
  name: string;
  remove(): Promise<void>;
}

/** A q35 domain defined from the tiny guest's image and never started (no boot cost). */
export async function defineStoppedDomain(libvirt: Libvirt): Promise<StoppedDomain> {
  const image = await buildTinyGuest();
  const name = `${testRun.nextName()}-stopped`;
  const dir = testRun.tempDir('stopped-domain');
  const xml = `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type><kernel>${image.kernel}</kernel><initrd>${image.initrd}</initrd></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='pci' model='pcie-root'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='pci' model='pcie-root-port'/>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
`;
  writeFileSync(join(dir, 'domain.xml'), xml);
  const remove = testRun.onCleanup(`stopped domain ${name}`, async () => {
    if (!libvirt.running) return;
    await libvirt.virsh(['undefine', name]).catch((e: unknown) => {
      if (!/not found|failed to get domain/i.test(String(e))) throw e;
    });
  });
  await libvirt.virsh(['define', join(dir, 'domain.xml')]);
  return { name, remove };
}
