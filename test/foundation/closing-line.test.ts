// scripts/test's verdict: the closing line, and under CI=true a skip not allowed (with a reason)
// in the checked-in list fails the run.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { testRun } from '../../testbed/test-run.js';

const script = fileURLToPath(new URL('../../../scripts/lib/closing-line.mjs', import.meta.url));

function verdict(summary: object | string, rc: number, allowed: object, ci: boolean): { status: number | null; out: string; err: string } {
  const dir = testRun.tempDir('closing');
  const s = join(dir, 'summary.json');
  const a = join(dir, 'allowed.json');
  writeFileSync(s, typeof summary === 'string' ? summary : JSON.stringify(summary));
  writeFileSync(a, JSON.stringify(allowed));
  const env = { ...process.env, CI: ci ? 'true' : '' };
  const r = spawnSync(process.execPath, [script, s, String(rc), a], { env, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const skipped = { passed: 3, failed: 0, skipped: 1, skippedTitles: ['vm [vm] boots'], failedTitles: [] };

describe('scripts/test closing line', () => {
  it('prints the counts as the last line and exits 0 when all passed', () => {
    const r = verdict({ passed: 5, failed: 0, skipped: 0, skippedTitles: [], failedTitles: [] }, 0, {}, true);
    assert.equal(r.status, 0);
    assert.equal(r.out, '5 passed, 0 failed, 0 skipped\n');
  });

  it('a skip is fine locally', () => {
    const r = verdict(skipped, 0, {}, false);
    assert.equal(r.status, 0);
    assert.equal(r.out, '3 passed, 0 failed, 1 skipped\n');
  });

  it('under CI=true an unlisted skip fails the run and is named', () => {
    const r = verdict(skipped, 0, {}, true);
    assert.equal(r.status, 1);
    assert.equal(r.out, '3 passed, 1 failed, 1 skipped\n');
    assert.match(r.err, /skipped under CI and not in .* with a reason: vm \[vm\] boots/);
  });

  it('under CI=true a listed skip needs a reason', () => {
    assert.equal(verdict(skipped, 0, { 'vm [vm] boots': '' }, true).status, 1);
    const ok = verdict(skipped, 0, { 'vm [vm] boots': 'no /dev/net/tun on this runner' }, true);
    assert.equal(ok.status, 0);
    assert.equal(ok.out, '3 passed, 0 failed, 1 skipped\n');
  });

  it('mocha failing without a failed test still fails; no summary at all fails', () => {
    assert.equal(verdict({ passed: 2, failed: 0, skipped: 0, skippedTitles: [], failedTitles: [] }, 3, {}, false).out, '2 passed, 1 failed, 0 skipped\n');
    const none = verdict('not json', 1, {}, false);
    assert.equal(none.status, 1);
    assert.equal(none.out, '0 passed, 1 failed, 0 skipped\n');
  });
});
