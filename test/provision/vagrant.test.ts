// vagrant/Vagrantfile passes `vagrant validate` with the libvirt provider (vagrant-libvirt checks
// its own settings), offline: every run is in a network namespace of its own with only a
// loopback that is down, so a box or plugin download would fail the run. A box cannot be booted
// on these machines, so validation is what can be tested (docs/vagrant.md).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testRun } from '../../testbed/test-run.js';
import { REPO, outcome, tree } from './helpers.js';

const TOKEN = join(REPO, 'vagrant/.lab/controller.token');

/** `vagrant validate` offline with the given settings; returns the outcome and the machines Vagrant loaded. */
async function validate(settings: Record<string, string>): Promise<{ code: number; out: string; machines: string[] }> {
  const state = testRun.tempDir('vagrant');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: state,
    VAGRANT_CWD: join(REPO, 'vagrant'),
    VAGRANT_HOME: join(state, 'home'),
    VAGRANT_DOTFILE_PATH: join(state, 'dot'),
    VAGRANT_DEFAULT_PROVIDER: 'libvirt',
    VAGRANT_CHECKPOINT_DISABLE: '1',
    VAGRANT_LOG: 'info',
    ...settings,
  };
  const r = await outcome('unshare', ['--net', 'vagrant', 'validate'], env, 120_000);
  const out = `${r.stdout}${r.stderr}`;
  // Vagrant's loader logs one config source per machine it defines: `Set "<id>_machine_<name>"`.
  const machines = [...new Set([...out.matchAll(/Set "\w+_machine_([\w-]+)"/g)].map((m) => m[1] ?? ''))].sort();
  return { code: r.code, out, machines };
}

describe('provision: Vagrantfile', () => {
  it('vagrant validate passes offline with the libvirt provider: control, hv1, hv2 by default', async () => {
    const tokenBefore = existsSync(TOKEN);
    const before = tree(join(REPO, 'vagrant'));
    const r = await validate({});
    assert.equal(r.code, 0, r.out.split('\n').filter((l) => !l.startsWith(' INFO')).join('\n'));
    assert.match(r.out, /Vagrantfile validated successfully/);
    assert.deepEqual(r.machines, ['control', 'hv1', 'hv2']);
    assert.equal(existsSync(TOKEN), tokenBefore, 'validate makes no token');
    assert.deepEqual(tree(join(REPO, 'vagrant')), before, 'validate writes nothing beside the Vagrantfile');
  });

  it('HVNET_VAGRANT_HYPERVISORS=3 validates with control and hv1..hv3', async () => {
    const r = await validate({ HVNET_VAGRANT_HYPERVISORS: '3' });
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(r.machines, ['control', 'hv1', 'hv2', 'hv3']);
  });

  it('bad settings are refused naming the variable and what it allows', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ HVNET_VAGRANT_HYPERVISORS: '0' }, /HVNET_VAGRANT_HYPERVISORS="0": expected a number from 1 to 9/],
      [{ HVNET_VAGRANT_HYPERVISORS: 'two' }, /HVNET_VAGRANT_HYPERVISORS="two": expected a number from 1 to 9/],
      [{ HVNET_VAGRANT_SUBNET: '8.8.8' }, /HVNET_VAGRANT_SUBNET="8\.8\.8": expected the first three octets of a private IPv4 \/24/],
      [{ HVNET_VAGRANT_BOX: 'x; rm -rf /' }, /HVNET_VAGRANT_BOX="x; rm -rf \/": expected a box name ORG\/NAME/],
    ];
    for (const [settings, message] of cases) {
      const r = await validate(settings);
      assert.notEqual(r.code, 0, JSON.stringify(settings));
      assert.match(r.out, message);
    }
  });
});
