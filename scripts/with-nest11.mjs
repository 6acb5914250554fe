// Replaces the Nest 12 dev dependencies with Nest 11 (without touching package.json or the lock file)
// and runs the test suite again. Restore Nest 12 afterwards with `npm ci`.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const NEST11 = [
  '@nestjs/common@11.2.10',
  '@nestjs/core@11.2.10',
  '@nestjs/platform-express@11.2.10',
  '@nestjs/platform-fastify@11.2.8',
  '@nestjs/testing@11.2.6',
  '@nestjs/event-emitter@3.1.0',
  '@nestjs/config@4.0.4',
];
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

run('npm', ['install', '--no-save', '--no-audit', '--no-fund', ...NEST11]);
const require = createRequire(import.meta.url);
const core = require('@nestjs/core/package.json').version;
console.log(`\nRunning the suite on @nestjs/core ${core}\n`);
if (!core.startsWith('11.')) throw new Error(`expected Nest 11, found ${core}`);
run('npm', ['test', '--', ...process.argv.slice(2)]);
