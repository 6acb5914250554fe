// Runs once before the suite: says up front which suites will be skipped, and why.
module.exports = function globalSetup() {
  if (process.env.REDIS_URL) return;
  if (process.env.CI_REQUIRE_REDIS === '1') return; // the Redis suites fail instead, with their own message
  process.stdout.write(
    '\nNotice: REDIS_URL is not set, so the Redis suites (the Redis idempotency store, and two app instances ' +
      'sharing one Redis) are skipped; every other test runs. To include them, start a local server and point ' +
      'the tests at it:\n  redis-server --port 6379 --save "" --appendonly no --daemonize yes\n' +
      '  REDIS_URL=redis://127.0.0.1:6379 npm test\n\n',
  );
};
