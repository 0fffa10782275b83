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
  // Four on two cores: the SSH fault files, which start first, wait more than they work (one alone:
  // 156 s, about 45 s of CPU), and with three workers the run used 1.6 of the two cores (fresh
  // clone, day-2 tests in: 547 s, 995 s of CPU); the fourth keeps them busy.
  maxWorkers: 4,
  testSequencer: '<rootDir>/jest.sequencer.js',
  // The default output, then each file's wall time (test/support/file-times-reporter.ts).
  reporters: ['default', '<rootDir>/dist/test/support/file-times-reporter.js'],
};
