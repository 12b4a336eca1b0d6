// The test command is repeatable: in a fresh copy of the repository, a small suite run twice, then
// again after one of its test files changed, builds and runs every test of the suite each time.
// It once ran none the second time: scripts/test removed dist/test while tsc's incremental build
// info said nothing had changed, so nothing was emitted and mocha found no spec.
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const SUITE = 'macpool';

/** The repository's files as they are in the working tree (tracked, and untracked unless ignored). */
async function copyRepository(to: string): Promise<void> {
  const files = (await run('git', ['-C', repo, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'])).split('\0').filter((f) => f !== '');
  for (const f of files) {
    mkdirSync(dirname(join(to, f)), { recursive: true });
    try {
      copyFileSync(join(repo, f), join(to, f));
    } catch (e) {
      // A file deleted in the working tree but still in the index is not part of it.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  // The same dependencies, without an npm ci per run.
  symlinkSync(join(repo, 'node_modules'), join(to, 'node_modules'));
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

async function testCommand(copy: string): Promise<Counts> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The child is a test run of its own, with its own id, temp root and summary.
  for (const k of ['HVNET_TEST_ID', 'HVNET_TEST_ROOT', 'HVNET_TEST_SUMMARY', 'CI']) delete env[k];
  const out = await run('bash', [join(copy, 'scripts/test'), '--no-install', '--no-lint', SUITE], { env, timeoutMs: 240_000 });
  const last = out.trimEnd().split('\n').at(-1) ?? '';
  const m = /^(\d+) passed, (\d+) failed, (\d+) skipped$/.exec(last);
  assert.ok(m, `closing line expected, got: ${last}`);
  return { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3]) };
}

describe('scripts/test is repeatable', () => {
  it('a suite run twice, then after one test file changed, runs all its tests each time', async function () {
    this.timeout(600_000);
    const copy = testRun.tempDir('repeat');
    try {
      await copyRepository(copy);
      const first = await testCommand(copy);
      assert.ok(first.passed > 0, `first run passed ${first.passed}`);
      assert.equal(first.failed, 0);

      const second = await testCommand(copy);
      assert.deepEqual(second, first, 'second run on the same checkout');

      appendFileSync(join(copy, 'test', SUITE, 'pool.test.ts'), '\n// touched by the repeatability test\n');
      const third = await testCommand(copy);
      assert.deepEqual(third, first, 'run after touching one test file');

      // A deleted test file's compiled output goes too, or mocha would still run it.
      rmSync(join(copy, 'test', SUITE, 'mac-range.test.ts'));
      const fourth = await testCommand(copy);
      assert.ok(fourth.passed > 0 && fourth.passed < first.passed, `after deleting a test file: ${fourth.passed} of ${first.passed}`);
      assert.equal(fourth.failed, 0);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
