import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InkboxModule, type InkboxModuleOptions } from '../../lib';
import { resolveInkboxOptions } from '../../lib/options/inkbox-options';

const resolve = (extra: Partial<InkboxModuleOptions>) => resolveInkboxOptions({ signingKey: 'whsec_k', ...extra });

describe('queue delivery options', () => {
  it('defaults to inline delivery and leaves the idempotency default alone', () => {
    const options = resolve({});
    expect(options.delivery).toEqual({ mode: 'inline' });
    expect(options.idempotency).toMatchObject({ store: 'memory' });
  });

  it('fills the documented defaults and makes Redis on the same URL, with the queue lease, the idempotency store', () => {
    const options = resolve({ delivery: { mode: 'queue', redis: { url: 'redis://127.0.0.1:6379' } } });
    expect(options.delivery).toMatchObject({
      mode: 'queue',
      queueName: 'inkbox',
      concurrency: 8,
      attempts: 8,
      backoffMs: 1_000,
      leaseMs: 30_000,
    });
    expect(options.idempotency).toMatchObject({
      store: 'redis',
      redis: { url: 'redis://127.0.0.1:6379' },
      leaseMs: 30_000,
    });
  });

  it('keeps an idempotency store the app chose, and idempotency: false', () => {
    expect(
      resolve({ delivery: { mode: 'queue', redis: { url: 'redis://h' } }, idempotency: { store: 'memory' } })
        .idempotency,
    ).toMatchObject({ store: 'memory' });
    expect(resolve({ delivery: { mode: 'queue', redis: { url: 'redis://h' } }, idempotency: false }).idempotency).toBe(
      false,
    );
  });

  it('refuses a queue without Redis, a bad URL (without echoing it), a bad queue name or numbers', () => {
    expect(() => resolve({ delivery: { mode: 'queue' } as never })).toThrow(/needs delivery\.redis/);
    let message = '';
    try {
      resolve({ delivery: { mode: 'queue', redis: { url: 'http://user:pw-s3cret@h' } } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/redis:\/\/ or rediss:\/\//);
    expect(message).not.toContain('pw-s3cret');
    expect(() => resolve({ delivery: { mode: 'queue', redis: { url: 'redis://h' }, queueName: 'a:b' } })).toThrow(
      /queueName/,
    );
    expect(() => resolve({ delivery: { mode: 'queue', redis: { url: 'redis://h' }, attempts: 0 } })).toThrow(
      /delivery\.attempts/,
    );
    expect(() => resolve({ delivery: { mode: 'other' } as never })).toThrow(/delivery\.mode/);
  });

  it("refuses role 'receiver' or 'worker' without queue mode, at startup", async () => {
    for (const role of ['receiver', 'worker'] as const) {
      @Module({ imports: [InkboxModule.forRoot({ signingKey: 'whsec_k', role })] })
      class AppModule {}
      await expect(
        NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false }),
      ).rejects.toThrow(new RegExp(`role '${role}' needs delivery`));
    }
  });

  it('refuses role in a forRootAsync factory (it shapes the route)', () => {
    expect(() => resolveInkboxOptions({ signingKey: 'whsec_k', role: 'worker' } as never)).toThrow(
      /next to useFactory/,
    );
  });
});
