import {
  Module,
  RequestMethod,
  VERSION_NEUTRAL,
  VersioningType,
  type DynamicModule,
  type INestApplication,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { INKBOX_ADMIN_CLIENT_OPTIONS } from '../../lib/admin/admin.constants';
import {
  INKBOX_ADMIN_PROVIDERS,
  InkboxAdminService,
  InkboxWebhookRegistrar,
  buildInkboxWebhookUrl,
} from '../../lib/admin';
import { INKBOX_RESOLVED_OPTIONS, INKBOX_ROUTE } from '../../lib/inkbox.constants';
import { InkboxConfigurationError, resolveInkboxOptions } from '../../lib/options/inkbox-options';
import type { InkboxModuleOptions } from '../../lib/options/inkbox-module-options.interface';
import { API_KEY, logInto } from './admin-test-kit';
import { FakeInkboxApi } from './fake-inkbox-api';

const PUBLIC_URL = 'https://hooks.example.com';

/** A minimal module providing what the real module provides to the admin providers. */
@Module({})
class AdminHostModule {
  static with(
    options: InkboxModuleOptions,
    route: { path: string; incomingCallPath?: string; version?: string },
  ): DynamicModule {
    return {
      module: AdminHostModule,
      providers: [
        { provide: INKBOX_RESOLVED_OPTIONS, useValue: resolveInkboxOptions(options) },
        { provide: INKBOX_ROUTE, useValue: route },
        { provide: INKBOX_ADMIN_CLIENT_OPTIONS, useValue: { sleep: async () => undefined } },
        ...INKBOX_ADMIN_PROVIDERS,
      ],
      exports: INKBOX_ADMIN_PROVIDERS,
    };
  }
}

describe('InkboxWebhookRegistrar in a Nest app', () => {
  let api: FakeInkboxApi;
  let app: INestApplication | undefined;
  let logs: string[];

  beforeEach(async () => {
    logs = [];
    api = new FakeInkboxApi(API_KEY);
    await api.start();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await api.stop();
  });

  async function createApp(
    register: InkboxModuleOptions['registerWebhooks'],
    route: { path: string; incomingCallPath?: string } = { path: 'inkbox/webhooks' },
  ): Promise<INestApplication> {
    const options: InkboxModuleOptions = {
      signingKey: 'whsec_x',
      apiKey: API_KEY,
      apiBaseUrl: api.baseUrl,
      registerWebhooks: register,
    };
    const moduleRef = await Test.createTestingModule({ imports: [AdminHostModule.with(options, route)] }).compile();
    app = moduleRef.createNestApplication();
    app.useLogger(logInto(logs));
    return app;
  }

  it('calls setWebhookUrl for each mailbox only once the app listens, with public URL + global prefix + path', async () => {
    api.addMailbox('support@acme.inkbox.ai');
    api.addMailbox('sales@acme.inkbox.ai', { withSigningKey: true });
    const nest = await createApp({
      publicUrl: `${PUBLIC_URL}/`,
      mailboxes: ['support@acme.inkbox.ai', 'sales@acme.inkbox.ai'],
    });
    nest.setGlobalPrefix('api');
    await nest.init();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(api.requests).toHaveLength(0);

    await nest.listen(0, '127.0.0.1');
    const outcomes = await nest.get(InkboxWebhookRegistrar).whenRegistered();

    const expectedUrl = `${PUBLIC_URL}/api/inkbox/webhooks`;
    const creates = api.requests.filter((r) => r.method === 'POST');
    expect(creates.map((r) => r.body)).toEqual([
      expect.objectContaining({ mailbox_id: api.mailboxes.get('support@acme.inkbox.ai')!.id, url: expectedUrl }),
      expect.objectContaining({ mailbox_id: api.mailboxes.get('sales@acme.inkbox.ai')!.id, url: expectedUrl }),
    ]);
    expect(outcomes.map((o) => [o.kind, o.owner, o.url, o.ok])).toEqual([
      ['mailbox', 'support@acme.inkbox.ai', expectedUrl, true],
      ['mailbox', 'sales@acme.inkbox.ai', expectedUrl, true],
    ]);
    const first = outcomes[0]!;
    const minted = first.ok && first.kind === 'mailbox' ? first.result.signingKey : undefined;
    expect(minted).toMatch(/^whsec_minted_/);
    const text = logs.join('\n');
    expect(text).not.toContain(minted!);
    expect(text).not.toContain(API_KEY);
    expect(text).toContain(`Inkbox sends the events of support@acme.inkbox.ai to ${expectedUrl}`);
    expect(logs.filter((l) => l.startsWith('warn') && l.includes('minted a new webhook signing key'))).toHaveLength(1);
  });

  it('registers phone numbers, agent handles and incoming calls: each owner gets its own event types, calls the incoming-call URL', async () => {
    const phone = api.addPhoneNumber('+15551230000', { withSigningKey: true });
    const identity = api.addIdentity('sales', true);
    const callLine = api.addPhoneNumber('+15551239999', { handle: 'sales' });
    const nest = await createApp({
      publicUrl: PUBLIC_URL,
      phoneNumbers: ['+15551230000'],
      agentHandles: ['sales'],
      incomingCalls: ['+15551239999'],
      eventTypes: ['text.received', 'call.ended', 'message.received'],
    });
    nest.setGlobalPrefix('api');
    await nest.listen(0, '127.0.0.1');
    const outcomes = await nest.get(InkboxWebhookRegistrar).whenRegistered();

    const webhookUrl = `${PUBLIC_URL}/api/inkbox/webhooks`;
    const incomingUrl = `${PUBLIC_URL}/api/inkbox/incoming-call`;
    expect(outcomes.map((o) => [o.kind, o.owner, o.url, o.ok])).toEqual([
      ['phoneNumber', '+15551230000', webhookUrl, true],
      ['agentIdentity', 'sales', webhookUrl, true],
      ['incomingCall', '+15551239999', incomingUrl, true],
    ]);
    expect(api.requests.filter((r) => r.method !== 'GET').map((r) => [r.method, r.path, r.body])).toEqual([
      [
        'POST',
        '/api/v1/webhooks/subscriptions',
        { phone_number_id: phone.id, url: webhookUrl, event_types: ['text.received'] },
      ],
      [
        'POST',
        '/api/v1/webhooks/subscriptions',
        { agent_identity_id: identity.id, url: webhookUrl, event_types: ['call.ended'] },
      ],
      [
        'PATCH',
        `/api/v1/phone/numbers/${callLine.id as string}`,
        { incoming_call_action: 'webhook', incoming_call_webhook_url: incomingUrl },
      ],
    ]);
    expect(logs.join('\n')).toContain(`Inkbox asks ${incomingUrl} about incoming calls on +15551239999 (updated)`);
    expect(logs.filter((l) => l.startsWith('error'))).toEqual([]);
  });

  it('builds the incoming-call URL from the incoming-call path of the module route, with its version', async () => {
    api.addPhoneNumber('+15551239999');
    const nest = await createApp(
      { publicUrl: PUBLIC_URL, incomingCalls: ['+15551239999'] },
      { path: 'inkbox/webhooks', incomingCallPath: 'calls/decide' },
    );
    nest.enableVersioning({ type: VersioningType.URI, defaultVersion: '3' });
    await nest.listen(0, '127.0.0.1');
    const [outcome] = await nest.get(InkboxWebhookRegistrar).whenRegistered();
    expect(outcome).toMatchObject({ kind: 'incomingCall', ok: true, url: `${PUBLIC_URL}/v3/calls/decide` });
    expect(api.phoneNumbers.get('+15551239999')!.incoming_call_webhook_url).toBe(`${PUBLIC_URL}/v3/calls/decide`);
  });

  it('logs a failing mailbox without crashing the app and still registers the others', async () => {
    api.addMailbox('support@acme.inkbox.ai', { withSigningKey: true });
    const nest = await createApp({
      publicUrl: PUBLIC_URL,
      mailboxes: ['missing@acme.inkbox.ai', 'support@acme.inkbox.ai'],
      eventTypes: ['message.received'],
    });
    await nest.listen(0, '127.0.0.1');
    const outcomes = await nest.get(InkboxWebhookRegistrar).whenRegistered();

    expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
    expect(api.requests.find((r) => r.method === 'POST')!.body).toEqual(
      expect.objectContaining({ url: `${PUBLIC_URL}/inkbox/webhooks`, event_types: ['message.received'] }),
    );
    expect(logs.filter((l) => l.startsWith('error'))).toEqual([
      expect.stringContaining(
        'Could not send the webhooks of missing@acme.inkbox.ai to https://hooks.example.com/inkbox/webhooks',
      ),
    ]);
    expect(nest.getHttpServer().listening).toBe(true);
  });

  it('adds the URI version segment when versioning is on', async () => {
    api.addMailbox('support@acme.inkbox.ai', { withSigningKey: true });
    const nest = await createApp({ publicUrl: PUBLIC_URL, mailboxes: ['support@acme.inkbox.ai'] });
    nest.setGlobalPrefix('api');
    nest.enableVersioning({ type: VersioningType.URI, defaultVersion: '2' });
    await nest.listen(0, '127.0.0.1');
    const [outcome] = await nest.get(InkboxWebhookRegistrar).whenRegistered();
    expect(outcome!.url).toBe(`${PUBLIC_URL}/api/v2/inkbox/webhooks`);
  });

  it('leaves the global prefix out when the app excludes the webhook route from it', async () => {
    api.addMailbox('support@acme.inkbox.ai', { withSigningKey: true });
    const nest = await createApp({ publicUrl: PUBLIC_URL, mailboxes: ['support@acme.inkbox.ai'] });
    nest.setGlobalPrefix('api', { exclude: [{ path: 'inkbox/webhooks', method: RequestMethod.POST }] });
    await nest.listen(0, '127.0.0.1');
    const [outcome] = await nest.get(InkboxWebhookRegistrar).whenRegistered();
    expect(outcome!.url).toBe(`${PUBLIC_URL}/inkbox/webhooks`);
  });

  it('does nothing without registerWebhooks; the admin service is injectable', async () => {
    const nest = await createApp(undefined);
    await nest.listen(0, '127.0.0.1');
    await expect(nest.get(InkboxWebhookRegistrar).whenRegistered()).resolves.toEqual([]);
    expect(api.requests).toHaveLength(0);
    expect(nest.get(InkboxAdminService)).toBeInstanceOf(InkboxAdminService);
  });
});

describe('registerWebhooks options', () => {
  const resolve = (registerWebhooks: unknown) => () =>
    resolveInkboxOptions({ signingKey: 'whsec_x', registerWebhooks } as InkboxModuleOptions);

  it('fills in the lists not given', () => {
    expect(resolve({ publicUrl: PUBLIC_URL, agentHandles: ['sales'] })().registerWebhooks).toEqual({
      publicUrl: PUBLIC_URL,
      mailboxes: [],
      phoneNumbers: [],
      agentHandles: ['sales'],
      incomingCalls: [],
      eventTypes: undefined,
    });
  });

  it.each([
    [
      'a phone number not in E.164',
      { phoneNumbers: ['5551230000'] },
      /registerWebhooks\.phoneNumbers must be a list of phone numbers in E\.164/,
    ],
    [
      'an incoming-call number not in E.164',
      { incomingCalls: ['+0123'] },
      /registerWebhooks\.incomingCalls must be a list of phone numbers/,
    ],
    ['an empty handle', { agentHandles: [''] }, /registerWebhooks\.agentHandles must be a list of agent handles/],
    [
      'no event type for a listed owner kind',
      { phoneNumbers: ['+15551230000'], eventTypes: ['message.received'] },
      /no event type for registerWebhooks\.phoneNumbers \(they take text\.\*\)/,
    ],
    [
      'phone.incoming_call as an event type',
      { mailboxes: ['a@b.c'], eventTypes: ['message.received', 'phone.incoming_call'] },
      /setIncomingCallWebhookUrl/,
    ],
    [
      'a duplicate event type',
      { mailboxes: ['a@b.c'], eventTypes: ['message.received', 'message.received'] },
      /more than once/,
    ],
  ])('refuses %s at startup', (_name, lists, message) => {
    expect(resolve({ publicUrl: PUBLIC_URL, ...lists })).toThrow(InkboxConfigurationError);
    expect(resolve({ publicUrl: PUBLIC_URL, ...lists })).toThrow(message);
  });
});

describe('buildInkboxWebhookUrl', () => {
  const route = { path: 'inkbox/webhooks' };

  it('joins public URL, prefix, version and path with single slashes', () => {
    expect(buildInkboxWebhookUrl({ publicUrl: 'https://a.example.com/', globalPrefix: '/api/', route })).toBe(
      'https://a.example.com/api/inkbox/webhooks',
    );
    expect(buildInkboxWebhookUrl({ publicUrl: 'https://a.example.com/base', route: { path: '/hooks/' } })).toBe(
      'https://a.example.com/base/hooks',
    );
  });

  it('follows URI versioning: route version first, then the default, neutral adds nothing, custom prefix', () => {
    const versioning = { type: VersioningType.URI, defaultVersion: '1' } as const;
    expect(buildInkboxWebhookUrl({ publicUrl: 'https://a', versioning, route })).toBe('https://a/v1/inkbox/webhooks');
    expect(
      buildInkboxWebhookUrl({ publicUrl: 'https://a', versioning, route: { ...route, version: ['3', '4'] } }),
    ).toBe('https://a/v3/inkbox/webhooks');
    expect(
      buildInkboxWebhookUrl({ publicUrl: 'https://a', versioning, route: { ...route, version: VERSION_NEUTRAL } }),
    ).toBe('https://a/inkbox/webhooks');
    expect(
      buildInkboxWebhookUrl({
        publicUrl: 'https://a',
        versioning: { type: VersioningType.URI, prefix: false },
        route: { ...route, version: '5' },
      }),
    ).toBe('https://a/5/inkbox/webhooks');
    expect(
      buildInkboxWebhookUrl({
        publicUrl: 'https://a',
        versioning: { type: VersioningType.HEADER, header: 'X-V', defaultVersion: '1' },
        route,
      }),
    ).toBe('https://a/inkbox/webhooks');
  });

  it('leaves the prefix out when the webhook route is excluded from it', () => {
    const exclude = [
      { path: 'inkbox/webhooks', pathRegex: /^\/inkbox\/webhooks\/?$/, requestMethod: RequestMethod.ALL },
    ];
    expect(
      buildInkboxWebhookUrl({ publicUrl: 'https://a', globalPrefix: 'api', globalPrefixExclude: exclude, route }),
    ).toBe('https://a/inkbox/webhooks');
    const getOnly = [{ ...exclude[0]!, requestMethod: RequestMethod.GET }];
    expect(
      buildInkboxWebhookUrl({ publicUrl: 'https://a', globalPrefix: 'api', globalPrefixExclude: getOnly, route }),
    ).toBe('https://a/api/inkbox/webhooks');
  });

  it('refuses a path with parameters', () => {
    expect(() =>
      buildInkboxWebhookUrl({ publicUrl: 'https://a', route: { path: 'inkbox/webhooks/:identity' } }),
    ).toThrow('has parameters');
  });
});
