/**
 * The jest configuration `npm run mutation` (Stryker) runs: the suites that exercise the mutated files
 * (stryker.config.json `mutate`) — unit, synth of the core and control plane, the control-plane, billing, metering and tenant-config
 * integration suites — and not the slow end-to-end, browser and module-packaging suites, which test wiring, not
 * these files. DynamoDB Local is started once by scripts/mutation.mjs (the global setup then reuses it).
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/test/unit/**/*.test.ts',
    '<rootDir>/test/synth/core/**/*.test.ts',
    '<rootDir>/test/synth/control-plane/**/*.test.ts',
    '<rootDir>/test/synth/marketplace/product-filter.test.ts',
    '<rootDir>/test/integration/control-plane/**/*.test.ts',
    '<rootDir>/test/integration/metering/**/*.test.ts',
    '<rootDir>/test/integration/billing/**/*.test.ts',
    '<rootDir>/test/integration/tenant-config/**/*.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', 'bundle-determinism'],
  maxWorkers: 1,
};
