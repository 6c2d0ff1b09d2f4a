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
  globalSetup: undefined,
  globalTeardown: undefined,
  maxWorkers: 1,
};
