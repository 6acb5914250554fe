// Replaces the Nest 12 dev dependencies with Nest 11 (without touching package.json or the lock file)
// and runs the test suite again: `npm run test:nest11 [-- jest args]`. NEST11=11.1.0 picks another
// 11.x release for @nestjs/common, core, platform-* and testing. Restore Nest 12 afterwards with `npm ci`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const version = process.env.NEST11 ?? '11.2.10';
const exact = (name, fallback) => `${name}@${process.env.NEST11 ? version : fallback}`;
const packages = [
  exact('@nestjs/common', version),
  exact('@nestjs/core', version),
  exact('@nestjs/platform-express', version),
  exact('@nestjs/platform-fastify', '11.2.8'),
  exact('@nestjs/testing', '11.2.6'),
  '@nestjs/event-emitter@3.1.0',
  '@nestjs/config@4.0.4',
];
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });

run('npm', ['install', '--no-save', '--no-audit', '--no-fund', ...packages]);
const core = JSON.parse(readFileSync('node_modules/@nestjs/core/package.json', 'utf8')).version;
console.log(`\nRunning the suite on @nestjs/core ${core}\n`);
if (!core.startsWith('11.')) throw new Error(`expected Nest 11, found ${core}`);
run('npm', ['test', '--', ...process.argv.slice(2)]);
