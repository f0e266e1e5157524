/** Jest runs the TypeScript sources directly as ES modules (ts-jest ESM mode). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 120000,
  // Every test file in a fresh worker process: the JavaScript toolchain (componentize-js, jco,
  // preview2-shim) is loaded through dynamic imports that jest's per-file module sandboxes cannot share
  // within one process ("Provided module is not an instance of Module" in later files).
  maxWorkers: 2,
  workerIdleMemoryLimit: '1MB',
};
