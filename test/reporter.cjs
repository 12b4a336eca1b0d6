// The spec reporter, plus a machine-readable summary for scripts/test: it needs the titles of
// skipped tests (CI fails on a skip that is not in test/allowed-skips.json) and the counts for
// the closing line.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

const { Spec } = Mocha.reporters;
const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

class HvnetReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const summary = { passed: 0, failed: 0, skipped: 0, skippedTitles: [], failedTitles: [] };
    runner.on(EVENT_TEST_PASS, () => {
      summary.passed += 1;
    });
    runner.on(EVENT_TEST_FAIL, (test) => {
      summary.failed += 1;
      summary.failedTitles.push(test.fullTitle());
    });
    runner.on(EVENT_TEST_PENDING, (test) => {
      summary.skipped += 1;
      summary.skippedTitles.push(test.fullTitle());
    });
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.HVNET_TEST_SUMMARY;
      if (file) fs.writeFileSync(file, JSON.stringify(summary));
    });
  }
}

module.exports = HvnetReporter;
