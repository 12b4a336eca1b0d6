// The unit file passes `systemd-analyze verify` (offline: systemd is not PID 1 here). verify
// insists that ExecStart's program exists and is executable, and /usr/bin/hvnetd exists only once
// the package is installed, so the test verifies a copy whose ExecStart runs the built daemon
// through /usr/bin/node (the script needs no exec bit that way, and the build output stays as tsc
// wrote it). The exposure score of `systemd-analyze security` is checked not to get worse.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { HVNETD, REPO } from './harness.js';

describe('agent: systemd unit', () => {
  it('systemd-analyze verify passes; security exposure stays low', async () => {
    const unit = readFileSync(join(REPO, 'systemd/hvnetd.service'), 'utf8');
    assert.match(unit, /^ExecStart=\/usr\/bin\/hvnetd --config \/etc\/hvnet\/hvnet\.yaml$/m);
    assert.match(unit, /^Type=notify$/m);
    assert.doesNotMatch(unit, /^MemoryDenyWriteExecute=/m, "V8's JIT needs W+X memory");
    const copy = join(testRun.tempDir('unit'), 'hvnetd.service');
    writeFileSync(copy, unit.replace(/^ExecStart=\/usr\/bin\/hvnetd /m, `ExecStart=${process.execPath} ${HVNETD} `));
    await run('systemd-analyze', ['verify', '--man=no', copy]);
    const security = await run('systemd-analyze', ['security', '--offline=true', copy]);
    const score = Number(/Overall exposure level for hvnetd\.service: ([\d.]+)/.exec(security)?.[1]);
    assert.ok(score <= 2.5, `exposure ${score}`);
  });
});
