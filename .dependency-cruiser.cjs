// The architecture, as rules: lib/ knows nothing of the daemon, the libvirt side knows nothing
// of OVN, and no module depends on itself through a cycle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lib-not-to-agent',
      comment: 'lib/ holds libraries that know nothing of the daemon',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^agent/' },
    },
    {
      name: 'lib-not-to-test',
      comment: 'the product never imports test, benchmark or testbed code',
      severity: 'error',
      from: { path: '^(lib|agent)/' },
      to: { path: '^(test|bench|testbed)/' },
    },
    {
      name: 'bench-not-to-test',
      comment: 'what benchmarks and tests share lives in testbed/',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
    {
      name: 'testbed-stands-alone',
      comment: 'testbed/ serves tests, benchmarks and the lab, so it imports none of them',
      severity: 'error',
      from: { path: '^testbed/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'libvirt-side-not-to-ovn',
      comment: 'lib/domxml and lib/libvirt never import OVN code',
      severity: 'error',
      from: { path: '^lib/(domxml|libvirt)/' },
      to: { path: '^lib/(ovn|ovsdb)/' },
    },
    {
      name: 'domxml-is-pure',
      comment: 'lib/domxml is pure: no FFI binding, no I/O modules',
      severity: 'error',
      from: { path: '^lib/domxml/' },
      to: { path: '^(lib/libvirt/|node_modules/koffi)|^(fs|net|child_process|worker_threads)$' },
    },
    {
      name: 'nic-is-pure',
      comment: 'lib/nic plans from facts it is given: no I/O modules, no libvirt binding at run time (its types only)',
      severity: 'error',
      from: { path: '^lib/nic/' },
      to: { path: '^(lib/libvirt/|node_modules/koffi)|^(fs|net|child_process|worker_threads)$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'], exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
