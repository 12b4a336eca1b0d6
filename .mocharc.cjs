// Suites run from the compiled tree; scripts/test picks which spec files (one suite or all).
module.exports = {
  require: ['dist/test/fixtures/hooks.js'],
  spec: ['dist/test/**/*.test.js'],
  timeout: 30000,
  slow: 2000,
  exit: true,
  reporter: './test/reporter.cjs',
};
