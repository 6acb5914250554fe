import { NESTJS_INKBOX_VERSION } from '../admin/version.js';
import {
  CliUsageError,
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  createCliIo,
  describeError,
  splitKeys,
  type CliIo,
  type CliStreams,
} from './cli-io.js';
import { runQueue } from './queue.command.js';
import { runReplayFailed } from './replay-failed.command.js';
import { runSend } from './send.command.js';
import { runVerify } from './verify.command.js';

/** Help text of `nestjs-inkbox` itself. */
export const MAIN_HELP = `nestjs-inkbox ${NESTJS_INKBOX_VERSION}: send, check and replay Inkbox webhooks

Usage:
  nestjs-inkbox send <event-type> --url <url> [options]
      send one delivery signed as Inkbox signs it, and print the answer
  nestjs-inkbox verify --headers <file> --body <file> [options]
      explain why a captured delivery does or does not verify
  nestjs-inkbox replay-failed --since <time> [options]
      ask Inkbox to send again the deliveries that failed since <time>
  nestjs-inkbox queue <stats | failed | retry> [options]
      queue mode: job counts, failed jobs, and running failed jobs again

  nestjs-inkbox <command> --help    the options of a command
  nestjs-inkbox --version           the version

Keys come from --signing-key or INKBOX_SIGNING_KEY, and --api-key or INKBOX_API_KEY.
They are never printed. Exit codes: 0 success, 1 failure (non-2xx answer, delivery does
not verify, a replay failed), 2 wrong usage.
`;

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  send: runSend,
  verify: runVerify,
  'replay-failed': runReplayFailed,
  queue: runQueue,
};

/**
 * Runs the `nestjs-inkbox` command line with `argv` (without `node` and the script path) and
 * resolves with the exit code. Never throws: errors are printed to `streams.stderr`.
 */
export async function runInkboxCli(
  argv: readonly string[],
  streams: CliStreams,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const io = createCliIo(streams, env);
  for (const key of [...splitKeys(env.INKBOX_SIGNING_KEY), ...(env.INKBOX_API_KEY ? [env.INKBOX_API_KEY] : [])])
    io.addSecret(key);
  // Keys given as arguments are redacted before anything can be printed, even a parse error.
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    for (const flag of ['--signing-key', '--api-key']) {
      if (arg === flag && argv[i + 1] !== undefined) io.addSecret(argv[i + 1]!);
      else if (arg.startsWith(`${flag}=`)) io.addSecret(arg.slice(flag.length + 1));
    }
  }
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    if (command === 'help' && rest[0] !== undefined && COMMANDS[rest[0]])
      return runInkboxCli([rest[0], '--help'], streams, env);
    io.out(MAIN_HELP);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (command === '--version' || command === '-v') {
    io.out(`${NESTJS_INKBOX_VERSION}\n`);
    return EXIT_OK;
  }
  const run = Object.prototype.hasOwnProperty.call(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    io.err(
      `nestjs-inkbox: unknown command "${command}". Commands: ${Object.keys(COMMANDS).join(', ')}. See nestjs-inkbox --help.\n`,
    );
    return EXIT_USAGE;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    const usage =
      error instanceof CliUsageError || (error as { code?: unknown })?.code?.toString().startsWith('ERR_PARSE_ARGS');
    io.err(`nestjs-inkbox ${command}: ${describeError(error)}\n`);
    if (usage) {
      io.err(`See nestjs-inkbox ${command} --help.\n`);
      return EXIT_USAGE;
    }
    return EXIT_FAILURE;
  }
}
