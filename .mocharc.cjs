// Suites run from the compiled tree. No spec here: mocha adds CLI specs to a configured one, and
// scripts/test passes exactly the files of the suites asked for.
module.exports = {
  require: ['dist/test/fixtures/hooks.js'],
  timeout: 30000,
  slow: 2000,
  exit: true,
  reporter: './test/reporter.cjs',
};
