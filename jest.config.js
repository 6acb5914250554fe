/** Jest runs in CommonJS mode: ts-jest for our TypeScript, @swc/jest for the ESM-only @nestjs files. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/lib', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { tsconfig: '<rootDir>/tsconfig.json', diagnostics: { warnOnly: false, ignoreCodes: [151002] } },
    ],
    '^.+\\.m?js$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'ecmascript' } }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|cookie|file-type|load-esm|uid)/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 30000,
  // prints why the Redis suites are skipped when REDIS_URL is not set
  globalSetup: '<rootDir>/test/support/global-setup.js',
};
