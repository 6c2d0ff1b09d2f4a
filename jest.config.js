/**
 * Jest runs TypeScript through esbuild (test/support/esbuild-transform.js): no type-checking in the hot
 * path (`npm run typecheck` does that once), so the whole suite stays fast on 2 cores.
 * One DynamoDB Local JVM serves the whole run (global setup); workers are capped at 2.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(ts|mts)$': '<rootDir>/test/support/esbuild-transform.js' },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  // examples/ import the library by its package name, as an app does; inside the repo that is src/.
  moduleNameMapper: { '^terraform-saas-builder-toolkit$': '<rootDir>/src/index.ts' },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  maxWorkers: 2,
  // Jest's transform cache, kept with the install rather than as a jest_* folder in the temp dir.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  testTimeout: 60000,
};
