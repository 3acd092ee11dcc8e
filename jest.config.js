/**
 * Jest runs the TypeScript sources as native ES modules (middy 7 is ESM-only; see
 * https://middy.js.org/docs/best-practices/testing). ts-jest transpiles each file on its own
 * (isolatedModules); `npm run typecheck` does the whole-program type check.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/cdk.out', '<rootDir>/.plantsync'],
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testTimeout: 30_000,
  // Tests that boot the local runtime share ports and Java; one worker per core is plenty.
  maxWorkers: 2,
};
