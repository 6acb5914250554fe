import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InkboxAdminService, InkboxModule, InkboxWebhookRegistrar } from '../../lib';
import { createInkboxEvent } from '../../lib/testing';
import { SIGNING_KEY, sendSigned } from '../support/http';
import { API_KEY, rejectionOf } from './admin-test-kit';
import { FakeInkboxApi } from './fake-inkbox-api';

describe('InkboxAdminService through InkboxModule.forRoot', () => {
  let api: FakeInkboxApi;
  beforeEach(async () => {
    api = new FakeInkboxApi(API_KEY);
    await api.start();
  });
  afterEach(() => api.stop());

  it('is injectable from the module, and registerWebhooks subscribes the prefixed URL once the app listens', async () => {
    api.addMailbox('support@inkboxmail.com');
    @Module({
      imports: [
        InkboxModule.forRoot({
          signingKey: SIGNING_KEY,
          apiKey: API_KEY,
          apiBaseUrl: api.baseUrl,
          registerWebhooks: { publicUrl: 'https://hooks.example.com', mailboxes: ['support@inkboxmail.com'] },
        }),
      ],
    })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false });
    app.setGlobalPrefix('api');
    await app.init();
    try {
      expect(api.requests).toHaveLength(0); // nothing before listen: Inkbox may deliver at once
      await app.listen(0, '127.0.0.1');
      await app.get(InkboxWebhookRegistrar).whenRegistered();
      const subs = await app.get(InkboxAdminService).listSubscriptions();
      expect(subs.map((s) => s.url)).toEqual(['https://hooks.example.com/api/inkbox/webhooks']);
      expect((await sendSigned(app, '/api/inkbox/webhooks', createInkboxEvent('message.sent'))).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("registerWebhooks with agent handles and incoming calls: the identity's channels and the number's incoming-call URL", async () => {
    const identity = api.addIdentity('sales', true);
    api.addPhoneNumber('+15551230000', { handle: 'sales' });
    @Module({
      imports: [
        InkboxModule.forRoot({
          signingKey: SIGNING_KEY,
          apiKey: API_KEY,
          apiBaseUrl: api.baseUrl,
          registerWebhooks: {
            publicUrl: 'https://hooks.example.com',
            agentHandles: ['sales'],
            incomingCalls: ['+15551230000'],
          },
        }),
      ],
    })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false });
    app.setGlobalPrefix('api');
    try {
      await app.listen(0, '127.0.0.1');
      const outcomes = await app.get(InkboxWebhookRegistrar).whenRegistered();
      expect(outcomes.map((o) => [o.kind, o.ok])).toEqual([
        ['agentIdentity', true],
        ['incomingCall', true],
      ]);
      const subs = await app.get(InkboxAdminService).listSubscriptions({ agent_identity_id: identity.id });
      expect(subs.map((s) => [s.url, s.event_types[0]])).toEqual([
        ['https://hooks.example.com/api/inkbox/webhooks', 'imessage.received'],
        ['https://hooks.example.com/api/inkbox/webhooks', 'call.ended'],
        ['https://hooks.example.com/api/inkbox/webhooks', 'a2a.task.created'],
      ]);
      expect(api.phoneNumbers.get('+15551230000')).toMatchObject({
        incoming_call_action: 'webhook',
        incoming_call_webhook_url: 'https://hooks.example.com/api/inkbox/incoming-call',
      });
    } finally {
      await app.close();
    }
  });

  it('without apiKey the receiver still works and the admin service fails on first use naming the option', async () => {
    @Module({ imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY, apiBaseUrl: api.baseUrl })] })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false });
    await app.init();
    try {
      expect((await sendSigned(app, '/inkbox/webhooks', createInkboxEvent('message.sent'))).status).toBe(200);
      const error = await rejectionOf(app.get(InkboxAdminService).listMailboxes());
      expect(error.message).toMatch(/apiKey/);
      expect(api.requests).toHaveLength(0);
    } finally {
      await app.close();
    }
  });
});
