/**
 * The long texts nestjs-inkbox shows to people (startup errors, HTTP answers, log lines), kept in
 * one place so they stay consistent and are easy to review. Short messages stay beside their code.
 */
export const INKBOX_MESSAGES = {
  optionsMissing:
    'options are missing: pass InkboxModule.forRoot({ signingKey }) or a forRootAsync factory that returns them.',
  routeOptionsInFactory:
    'webhookPath, incomingCallPath, version and role shape the routes, which are fixed before the factory runs: ' +
    'pass them next to useFactory, as InkboxModule.forRootAsync({ webhookPath, role, useFactory }).',
  signingKeyRequired:
    'the signingKey option is required (the webhook signing key Inkbox gave you, e.g. from process.env.INKBOX_SIGNING_KEY); ' +
    'without it no delivery could be verified.',
  apiKeyRequired:
    'InkboxAdminService needs the apiKey option (your Inkbox API key, e.g. ' +
    'InkboxModule.forRoot({ ..., apiKey: process.env.INKBOX_API_KEY })). Receiving webhooks does not need it.',
  noEventEmitter:
    'emitEvents is on, but no EventEmitter2 was found: import EventEmitterModule.forRoot() from @nestjs/event-emitter ' +
    'in your AppModule, or turn emitEvents off.',
  noRawBody:
    'nestjs-inkbox has no raw body for this route. The module captures it for its own webhook route; for a route of ' +
    'your own, create the app with NestFactory.create(AppModule, { rawBody: true }).',
  notJson: 'Inkbox webhooks are JSON: Content-Type must be application/json.',
  readBeforeVerified:
    'The Inkbox event was read before its signature was verified: put InkboxSignatureGuard on this route.',
  /** A handler on a provider that is not a singleton. */
  requestScopedHandler: (handler: string, className: string): string =>
    `${handler} has @OnInkboxEvent but ${className} is request-scoped (or depends on a request-scoped provider). ` +
    'Handlers must live on singleton providers: move the handler there and resolve request-scoped services inside it ' +
    'with ModuleRef.resolve().',
  /** The 500 answer when handlers threw. */
  handlersFailed: (failed: readonly string[], retriesFailedOnly: boolean): string =>
    `${failed.length === 1 ? 'Handler' : 'Handlers'} ${failed.join(', ')} failed for this event; the other handlers ran. ` +
    'See the application log. ' +
    (retriesFailedOnly
      ? 'Inkbox will retry; only the failed handlers will run again.'
      : 'Inkbox will retry, and every handler will run again (no idempotency store).'),
  /** The 409 answer while another delivery of the event runs. */
  inFlight: (busy: readonly string[]): string =>
    `This event is being processed by another delivery right now (${busy.join(', ')}); retry later.`,
} as const;
