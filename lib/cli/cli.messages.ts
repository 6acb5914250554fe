/** The longer texts the CLI prints: hints that tell a person what to try next. */
export const CLI_MESSAGES = {
  noSigningKey: 'no signing key: pass --signing-key <key> or set the INKBOX_SIGNING_KEY environment variable.',
  unknownEventType: (type: string, known: readonly string[]): string =>
    `unknown event type "${type}". Known: ${known.join(', ')}. For other payloads, write them to a file and use --body.`,
  notFoundHint: (path: string): string =>
    `nothing answers POST ${path}. The module's route is inkbox/webhooks under the app's global prefix and ` +
    "version (after app.setGlobalPrefix('api') and URI version 1: --url http://localhost:3000/api/v1/inkbox/webhooks); " +
    'the webhookPath option changes its last part. The app logs the route at startup: "Mapped {/…, POST} route".',
  unauthorizedHint:
    'start the app with the same INKBOX_SIGNING_KEY that send signs with (a 401 also names a stale timestamp: ' +
    'check the clock, or the --timestamp you passed).',
  connectionRefusedHint: 'Is the app running, and listening on that host and port?',
  noApiKey: 'no API key: set the INKBOX_API_KEY environment variable or pass --api-key <key>.',
  sinceRequired:
    '--since is required: a duration back from now (90s, 30m, 6h, 2d, 1w), unix seconds, or an ISO-8601 time such as 2026-05-17T09:00:00Z.',
  noNestCommon:
    'nestjs-inkbox replay-failed: @nestjs/common is not installed here. Run the command from your Nest project (npx nestjs-inkbox …).',
} as const;

/**
 * Rewords an admin-client message for the command line: the module options it names
 * (`apiBaseUrl`, `apiKey`, `apiTimeoutMs`) become the flags and variables of the CLI.
 */
export function toCliWording(message: string): string {
  return message
    .replace(/the apiBaseUrl option/g, '--api-base-url (or INKBOX_API_BASE_URL)')
    .replace(/\bapiBaseUrl\b/g, '--api-base-url')
    .replace(/the apiKey option/g, '--api-key (or INKBOX_API_KEY)')
    .replace(/the apiTimeoutMs option/g, 'the admin client timeout');
}
