/** @type {import('jest').Config} */
module.exports = {
  // ONNX Runtime checks tensors against Node's own typed-array classes; see the environment file.
  testEnvironment: '<rootDir>/test/helpers/shared-typed-arrays.environment.ts',
  transform: { '^.+\\.ts$': 'ts-jest' },
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/no-console.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
