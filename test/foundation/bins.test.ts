// The package's bin entries run from the build output as npm links them.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { testRun } from '../../testbed/test-run.js';
import { fileURLToPath } from 'node:url';
import { run, CommandError } from '../../testbed/exec.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${repo}package.json`, 'utf8')) as { version: string; bin: Record<string, string> };

describe('bin entries', () => {
  it('hvnet version prints the package version', async () => {
    const out = await run('node', [`${repo}${pkg.bin.hvnet}`, 'version']);
    assert.equal(out.trim(), pkg.version);
  });

  it('hvnetd --version prints the package version', async () => {
    const out = await run('node', [`${repo}${pkg.bin.hvnetd}`, '--version']);
    assert.equal(out.trim(), pkg.version);
  });

  it('hvnet refuses an unknown command with exit code 2 and names the allowed ones', async () => {
    await assert.rejects(run('node', [`${repo}${pkg.bin.hvnet}`, 'frobnicate']), (e: unknown) => {
      assert.ok(e instanceof CommandError);
      assert.equal(e.code, 2);
      assert.match(e.stderr, /unknown command 'frobnicate' \(allowed: [a-z, ]*version[a-z, ]*\)/);
      return true;
    });
  });

  it('bin files start with a node shebang', () => {
    for (const file of Object.values(pkg.bin)) {
      assert.match(readFileSync(`${repo}${file}`, 'utf8'), /^#!\/usr\/bin\/env node\n/);
    }
  });

  it('a global npm install of the repository puts working hvnet and hvnetd on the PATH', async function () {
    this.timeout(60_000);
    // --prefix keeps the "global" install inside the run's temp dir; the machine's is not touched.
    const prefix = testRun.tempDir('npm-global');
    await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', repo], { timeoutMs: 55_000 });
    const bin = join(prefix, 'bin');
    for (const name of Object.keys(pkg.bin)) assert.ok(readdirSync(bin).includes(name), `${name} in ${bin}`);
    assert.equal((await run(join(bin, 'hvnet'), ['version'])).trim(), pkg.version);
    assert.equal((await run(join(bin, 'hvnetd'), ['--version'])).trim(), pkg.version);
  });
});
