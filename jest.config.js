// Tests are TypeScript compiled by `tsc` into dist/ (ESM, no transform), so Jest runs
// exactly the JavaScript the product runs.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  transform: {},
  globalSetup: '<rootDir>/dist/test/support/global-setup.js',
  globalTeardown: '<rootDir>/dist/test/support/global-teardown.js',
  testTimeout: 300000,
  // Three on two cores: the longest files (SSH faults, worker deaths, approval and retry
  // waits) spend most of their time waiting on timeouts, not working.
  maxWorkers: 3,
  testSequencer: '<rootDir>/jest.sequencer.js',
};
