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
  // Two, one a core: a third file at a time made the whole run slower (1,353 s against
  // 1,120 s), the e2e files being mostly Ansible's CPU.
  maxWorkers: 2,
  testSequencer: '<rootDir>/jest.sequencer.js',
};
