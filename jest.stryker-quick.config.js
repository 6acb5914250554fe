/** The unit-level tests only: a quick mutation run of the framework-free parts (signature, precheck, logging). */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/lib', '<rootDir>/test/guarantees'],
  testMatch: ['<rootDir>/lib/**/*.spec.ts', '<rootDir>/test/guarantees/signature.property.spec.ts'],
};
