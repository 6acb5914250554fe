/** The unit-level tests only: a quick mutation run of the framework-free parts (signature, precheck, logging). */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/lib', '<rootDir>/test/guarantees'],
  testMatch: [
    '<rootDir>/lib/signature/**/*.spec.ts',
    '<rootDir>/lib/receiver/**/*.spec.ts',
    '<rootDir>/test/guarantees/signature.property.spec.ts',
  ],
  transform: {
    ...base.transform,
    // transpile only: the type check is the build's job, not each mutant's
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true, diagnostics: false }],
  },
};
