// Builds a Nest app with one bounce handler, sends it a signed event over HTTP and prints the result as JSON.
exports.runConsumer = async function runConsumer(lib) {
  const {
    Injectable,
    Module,
    NestFactory,
    InkboxModule,
    OnInkboxEvent,
    MessageBouncedEvent,
    signInkboxWebhook,
    createInkboxEvent,
  } = lib;
  const received = [];
  class BounceHandler {
    onBounce(event) {
      received.push({
        className: event.constructor.name,
        isBounce: event instanceof MessageBouncedEvent,
        id: event.id,
      });
    }
  }
  const descriptor = Object.getOwnPropertyDescriptor(BounceHandler.prototype, 'onBounce');
  OnInkboxEvent('message.bounced')(BounceHandler.prototype, 'onBounce', descriptor);
  Injectable()(BounceHandler);
  class AppModule {}
  Module({ imports: [InkboxModule.forRoot({ signingKey: 'whsec_pack' })], providers: [BounceHandler] })(AppModule);

  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = `${await app.getUrl()}/inkbox/webhooks`.replace('[::1]', '127.0.0.1');
  const event = createInkboxEvent('message.bounced');
  const good = signInkboxWebhook(event, { signingKey: 'whsec_pack' });
  const forged = signInkboxWebhook(event, { signingKey: 'whsec_wrong' });
  const ok = await fetch(url, { method: 'POST', headers: good.headers, body: good.body });
  const bad = await fetch(url, { method: 'POST', headers: forged.headers, body: forged.body });
  const result = {
    format: lib.format,
    ok: [ok.status, await ok.json()],
    forged: bad.status,
    received,
    eventId: event.id,
  };
  await app.close();
  process.stdout.write(JSON.stringify(result) + '\n');
};
