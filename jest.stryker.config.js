/**
 * The tests StrykerJS runs against each mutant: the main Jest setup without the suites that do not
 * exercise the mutated code (admin client, CLI, packaging, testing kit), transpiling only.
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testPathIgnorePatterns: [
    '/node_modules/',
    '/test/admin/',
    '/test/cli/',
    '/test/packaging/',
    '/test/testing/',
    '/test/hardening/admin-event-types',
  ],
  transform: {
    ...base.transform,
    // transpile only: the type check is the build's job, not each mutant's
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true, diagnostics: false }],
  },
};
