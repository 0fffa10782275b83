// Tests are TypeScript compiled by `tsc` into dist/ (ESM, no transform), so Jest runs
// exactly the JavaScript the product runs. Two projects: the workflow tests
// (dist/test/workflow/) bring their own time-skipping test server, so they run without the
// global setup's dev server and control plane (`--selectProjects workflow` runs them alone).
const common = { testEnvironment: 'node', testMatch: ['**/*.test.js'], transform: {} };

export default {
  projects: [
    {
      ...common,
      displayName: 'workflow',
      roots: ['<rootDir>/dist/test/workflow'],
    },
    {
      ...common,
      displayName: 'e2e-and-unit',
      roots: ['<rootDir>/dist/test'],
      testPathIgnorePatterns: ['/dist/test/workflow/'],
      globalSetup: '<rootDir>/dist/test/support/global-setup.js',
      globalTeardown: '<rootDir>/dist/test/support/global-teardown.js',
    },
  ],
  testTimeout: 300000,
  // Three on two cores: the SSH fault files, which start first, wait more than they work
  // (alone: 83 s with 45 s of CPU, 73 s with 54 s), so two of them and one CPU-bound file keep
  // the cores busy. The other e2e files are about one core each (e2e-operator alone: 128 s, 130 s of CPU).
  maxWorkers: 3,
  testSequencer: '<rootDir>/jest.sequencer.js',
  // The default output, then each file's wall time (test/support/file-times-reporter.ts).
  reporters: ['default', '<rootDir>/dist/test/support/file-times-reporter.js'],
};
