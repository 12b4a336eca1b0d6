// The leak check must be able to fail: run a child mocha whose only test leaves a detached
// daemon and a namespace behind, and require that run to fail and to name both.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, isAlive, waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

function runChild(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'npx',
      [
        '--no-install',
        'mocha',
        '--no-config',
        '--require',
        'dist/test/fixtures/hooks.js',
        '--reporter',
        'spec',
        '--timeout',
        '60000',
        'dist/test/fixtures/canary/leaves-a-daemon.js',
      ],
      { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('fixture leak check', function () {
  this.timeout(90_000);

  it('fails a run that leaves a daemon and a namespace, and names them', async () => {
    const childRoot = join(testRun.tempDir('leakcheck'), 'child');
    const childId = `${testRun.id}z`;
    let leaked: { pidfile: string; ns: string } | undefined;
    try {
      const { code, output } = await runChild({ ...process.env, HVNET_TEST_ROOT: childRoot, HVNET_TEST_ID: childId });
      leaked = JSON.parse(readFileSync(join(childRoot, 'canary.json'), 'utf8')) as { pidfile: string; ns: string };
      const pid = Number(readFileSync(leaked.pidfile, 'utf8').trim());
      assert.notEqual(code, 0, `the leaky run should fail, got exit ${String(code)}:\n${output}`);
      assert.match(output, /the test run did not clean up after itself/);
      assert.match(output, new RegExp(`left behind: process ${pid} \\(ovsdb-server`));
      assert.match(output, new RegExp(`left behind: network namespace ${leaked.ns}`));
    } finally {
      // Clean up what the canary leaked, by its recorded PID and name only.
      if (leaked) {
        const pid = Number(readFileSync(leaked.pidfile, 'utf8').trim());
        if (await isAlive(pid)) process.kill(pid, 'SIGTERM');
        await waitFor('leaked ovsdb-server to exit', async () => ((await isAlive(pid)) ? undefined : true), 10_000);
        await run('ip', ['netns', 'del', leaked.ns]).catch(() => undefined);
      }
      rmSync(childRoot, { recursive: true, force: true });
    }
  });
});
