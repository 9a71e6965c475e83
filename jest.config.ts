import type { Config } from 'jest';

// NestJS 12 is ESM-only, and Jest can only load it in ESM mode on Node 20:
// the test script sets NODE_OPTIONS=--experimental-vm-modules.
const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  moduleNameMapper: {
    '^nestjs-infisical-config$': '<rootDir>/libs/infisical-config/src/index.ts',
    '^nestjs-infisical-config/testing$': '<rootDir>/libs/infisical-testing/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testTimeout: 30_000,
  // Leak guard: every file's output (logs, stdout/stderr, console, HTTP replies, errors) is scanned for the
  // planted canary values; a finding fails the test that produced it.
  setupFilesAfterEnv: ['<rootDir>/test/support/leak-setup.ts'],
};

export default config;
