/**
 * The jest configuration `npm run mutation` (Stryker) runs: the unit suites (test/unit), which exercise the
 * mutated pure code directly (stryker.config.json `mutate`). Synth, integration and e2e suites test wiring
 * and cost seconds to minutes per run — per mutant that does not fit 2 cores — so they are left out here
 * (they still run in `npm test`). No DynamoDB: unit tests need none, so no global setup.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
  // Suites that synthesize whole stacks per file (seconds each) or test our validator/emulator, not the
  // mutated files; ServiceRole and the scopes have their own one-role synth (test/unit/core/iam.test.ts).
  testPathIgnorePatterns: [
    '/node_modules/',
    '/test/unit/validate/',
    '/test/unit/local/',
    'role-scopes-map',
    '/test/unit/application-plane/',
  ],
  globalSetup: undefined,
  globalTeardown: undefined,
  maxWorkers: 1,
};
