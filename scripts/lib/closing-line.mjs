#!/usr/bin/env node
// The closing line of scripts/test from the reporter's summary file:
//   node scripts/lib/closing-line.mjs SUMMARY.json MOCHA_EXIT_CODE [ALLOWED_SKIPS.json]
// Prints `N passed, N failed, N skipped` as the last line and exits 1 if anything failed. Under
// CI=true a skipped test that the allow-list does not name (with a reason) counts as failed.
import { readFileSync } from 'node:fs';

const [file, rcText, allowedFile = 'test/allowed-skips.json'] = process.argv.slice(2);
const rc = Number(rcText);
let s;
try {
  s = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.error(`[hvnet] mocha wrote no summary (exit ${rc})`);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
let failed = s.failed;
if (process.env.CI === 'true') {
  const allowed = JSON.parse(readFileSync(allowedFile, 'utf8'));
  for (const title of s.skippedTitles) {
    const reason = Object.hasOwn(allowed, title) ? allowed[title] : undefined;
    if (typeof reason !== 'string' || reason.trim() === '') {
      console.error(`[hvnet] skipped under CI and not in ${allowedFile} with a reason: ${title}`);
      failed += 1;
    }
  }
}
// mocha failing without a failed test (a crash in a root hook, say) is still a failure.
if (rc !== 0 && failed === 0) failed = 1;
console.log(`${s.passed} passed, ${failed} failed, ${s.skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
