#!/usr/bin/env node
/**
 * Entry point of the `nestjs-inkbox` command (package.json `bin`): send signed test deliveries,
 * explain signature failures of captured deliveries, and replay failed deliveries.
 */
import { runInkboxCli } from './run-cli.js';

void runInkboxCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, process.env).then(
  (code) => {
    process.exitCode = code;
  },
);
