// The example test of README.md ("Test it"), with imports pointing at the sources instead of the package.
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InkboxModule, OnInkboxEvent, type MessageBouncedEvent } from '../../lib';
import { createInkboxEvent, deliverInkboxEvent, sendInkboxWebhook } from '../../lib/testing';

const SIGNING_KEY = 'whsec_test_key';

@Injectable()
class SuppressionList {
  readonly addresses = new Set<string>();

  @OnInkboxEvent('message.bounced')
  onBounce(event: MessageBouncedEvent) {
    for (const address of event.data.message.to_addresses) this.addresses.add(address);
  }
}

@Module({
  imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY })],
  providers: [SuppressionList],
})
class AppModule {}

describe('Inkbox webhooks', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication();
    await app.init(); // no listen() needed
  });
  afterAll(() => app.close());

  it('suppresses an address that bounced', async () => {
    const res = await deliverInkboxEvent(
      app,
      'message.bounced',
      { data: { message: { to_addresses: ['gone@example.com'] } } },
      { signingKey: SIGNING_KEY },
    );

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'processed' });
    expect(app.get(SuppressionList).addresses.has('gone@example.com')).toBe(true);
  });

  it('rejects a delivery signed with another key, and runs no handler', async () => {
    const res = await deliverInkboxEvent(
      app,
      'message.bounced',
      { data: { message: { to_addresses: ['forged@example.com'] } } },
      { signingKey: 'whsec_someone_else' },
    );

    expect(res.status).toBe(401);
    expect(app.get(SuppressionList).addresses.has('forged@example.com')).toBe(false);
  });

  it('answers a redelivery of the same event as a duplicate', async () => {
    const event = createInkboxEvent('message.bounced');
    const first = await sendInkboxWebhook(app, event, { signingKey: SIGNING_KEY });
    const retry = await sendInkboxWebhook(app, event, { signingKey: SIGNING_KEY });

    expect(first.body).toEqual({ outcome: 'processed' });
    expect(retry.body).toEqual({ outcome: 'duplicate' });
  });
});
