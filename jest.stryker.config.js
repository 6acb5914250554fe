/**
 * The tests StrykerJS runs against each mutant: the main Jest setup without the suites that do not
 * exercise the mutated code (admin client, CLI, packaging, testing kit).
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/', '/test/admin/', '/test/cli/', '/test/packaging/', '/test/testing/', '/test/hardening/admin-event-types'],
};
