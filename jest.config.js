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
  maxWorkers: 2,
  testSequencer: '<rootDir>/jest.sequencer.js',
};
