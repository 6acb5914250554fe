import { withRedisTimeout } from './redis-timeout.js';
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { InkboxConfigurationError } from '../errors.js';
import type {
  InkboxClaimOptions,
  InkboxClaimResult,
  InkboxIdempotencyStore,
} from './inkbox-idempotency-store.interface.js';
import type { InkboxRedisClientLike } from '../options/inkbox-module-options.interface.js';

/** Default prefix of the Redis keys the store writes (one hash per event). */
export const DEFAULT_INKBOX_REDIS_KEY_PREFIX = 'inkbox:idem:';
/** Default time after which a Redis call is given up and the delivery treated as "store unavailable". */
export const DEFAULT_INKBOX_REDIS_COMMAND_TIMEOUT_MS = 5_000;

/** Options of {@link InkboxRedisStore}: exactly one of `client` and `url`. */
export interface InkboxRedisStoreOptions {
  /**
   * A client the app created and owns (ioredis `Redis` or `Cluster`, or anything with `eval`, and
   * ideally `evalsha`). The store never closes it. Give it a small `maxRetriesPerRequest` (e.g. 1)
   * so that an outage is noticed quickly instead of queuing commands.
   */
  readonly client?: InkboxRedisClientLike;
  /**
   * A `redis://` or `rediss://` URL: the store creates its own ioredis client (loaded only then; the
   * `ioredis` package must be installed) and closes it when the app shuts down.
   */
  readonly url?: string;
  /** Prefix of every key. Default `inkbox:idem:`. */
  readonly keyPrefix?: string;
  /** A call that takes longer fails (the delivery gets 503, or runs unprotected with `onStoreError: 'open'`). Default 5 000 ms. */
  readonly commandTimeoutMs?: number;
}

/**
 * Claims every handler of an event that is neither done nor leased by a live lease; one call,
 * atomic. Each hash field is a handler: `d` when done, `<lease end in ms>:<token>` while leased.
 * The clock is Redis's own (`TIME`), so app instances with skewed clocks agree on lease expiry.
 * Returns one letter per handler: r (run: leased now), d (done), b (busy).
 */
const CLAIM_SCRIPT = `
pcall(function() redis.replicate_commands() end)
local key = KEYS[1]
local token = ARGV[1]
local lease = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local n = #ARGV - 3
if n < 1 then return '' end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local states = redis.call('HMGET', key, unpack(ARGV, 4))
local out = {}
local claimed = false
for i = 1, n do
  local s = states[i]
  if s == 'd' then
    out[i] = 'd'
  elseif s and (tonumber(string.match(s, '^(%d+):') or '0') or 0) > now then
    out[i] = 'b'
  else
    redis.call('HSET', key, ARGV[3 + i], string.format('%.0f', now + lease) .. ':' .. token)
    out[i] = 'r'
    claimed = true
  end
end
if claimed then redis.call('PEXPIRE', key, ttl) end
return table.concat(out)
`;

/** Marks a handler done (whatever lease it held: it succeeded) and renews the record's TTL. */
const COMPLETE_SCRIPT = `
redis.call('HSET', KEYS[1], ARGV[1], 'd')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** Drops a handler's lease, but only if this token still holds it (not done, not taken over). */
const RELEASE_SCRIPT = `
local s = redis.call('HGET', KEYS[1], ARGV[1])
if not s then return 0 end
local colon = string.find(s, ':', 1, true)
if colon and string.sub(s, colon + 1) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0
`;

interface Script {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const SCRIPTS = {
  claim: script(CLAIM_SCRIPT),
  complete: script(COMPLETE_SCRIPT),
  release: script(RELEASE_SCRIPT),
} as const;

type EvalShaCapable = InkboxRedisClientLike & {
  /** ioredis: 'wait' | 'connecting' | 'connect' | 'ready' | 'reconnecting' | 'close' | 'end'. */
  readonly status?: unknown;
  evalsha?(sha: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  disconnect?(): void;
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
};

const DISCONNECTED = new Set(['reconnecting', 'close', 'end']);

type RedisConstructor = new (url: string, options: Record<string, unknown>) => EvalShaCapable;

/**
 * Loads ioredis only when the store must create its own client (synchronously, so a missing
 * package stops the app at startup). The library ships as CommonJS and as ESM, and an ESM file has
 * no `__filename`: `ioredis` is resolved from the library's own location when that is known
 * (CommonJS), then from the app's entry script, then from the working directory. With an unusual
 * layout, create the client yourself and pass it as `idempotency.redis.client`.
 */
function loadIoredis(): RedisConstructor {
  const bases: string[] = [];
  if (typeof __filename === 'string') bases.push(__filename);
  if (typeof process.argv[1] === 'string' && process.argv[1] !== '') bases.push(process.argv[1]);
  bases.push(join(process.cwd(), 'noop.js'));
  for (const base of bases) {
    let mod: unknown;
    try {
      mod = createRequire(base)('ioredis');
    } catch (error) {
      if ((error as { code?: string })?.code === 'MODULE_NOT_FOUND') continue;
      throw error;
    }
    const m = mod as { default?: unknown; Redis?: unknown };
    const ctor = (
      typeof m.default === 'function' ? m.default : typeof m.Redis === 'function' ? m.Redis : mod
    ) as RedisConstructor;
    if (typeof ctor === 'function') return ctor;
  }
  throw new InkboxConfigurationError(
    'idempotency.redis.url needs the ioredis package: run `npm install ioredis`, or create the client yourself and pass it as idempotency.redis.client.',
  );
}

/**
 * The idempotency store for several app instances: one Redis hash per event
 * (`<keyPrefix><eventKey>`), a field per handler, claims taken atomically by one Lua script
 * (EVALSHA, falling back to EVAL when Redis does not have it cached), and a TTL (PEXPIRE) renewed on
 * every change. Works with Redis Cluster too: every call touches one key.
 *
 * @example
 * InkboxModule.forRoot({ signingKey, idempotency: { store: 'redis', redis: { url: process.env.REDIS_URL } } })
 * // or, with a client the app owns:
 * InkboxModule.forRoot({ signingKey, idempotency: { store: 'redis', redis: { client: new Redis(url, { maxRetriesPerRequest: 1 }) } } })
 */
export class InkboxRedisStore implements InkboxIdempotencyStore {
  private readonly logger = new Logger('InkboxIdempotency');
  private readonly client: EvalShaCapable;
  private readonly owned: boolean;
  private readonly keyPrefix: string;
  private readonly timeoutMs: number;
  private healthy = true;
  /** Set after the first answer from Redis: from then on a lost connection fails calls at once. */
  private answered = false;

  constructor(options: InkboxRedisStoreOptions) {
    if (!options || (!options.client && !options.url)) {
      throw new InkboxConfigurationError(
        'the Redis idempotency store needs idempotency.redis.client (an ioredis instance) or idempotency.redis.url.',
      );
    }
    if (options.client && options.url) {
      throw new InkboxConfigurationError('give idempotency.redis.client or idempotency.redis.url, not both.');
    }
    const prefix = options.keyPrefix ?? DEFAULT_INKBOX_REDIS_KEY_PREFIX;
    if (typeof prefix !== 'string') throw new InkboxConfigurationError('idempotency.redis.keyPrefix must be a string.');
    this.keyPrefix = prefix;
    this.timeoutMs = options.commandTimeoutMs ?? DEFAULT_INKBOX_REDIS_COMMAND_TIMEOUT_MS;
    if (options.client) {
      if (typeof options.client.eval !== 'function') {
        throw new InkboxConfigurationError(
          'idempotency.redis.client must be a Redis client with an eval() method (ioredis).',
        );
      }
      this.client = options.client;
      this.owned = false;
    } else {
      if (typeof options.url !== 'string' || !/^rediss?:\/\//i.test(options.url)) {
        // The URL may hold a password: never echo it.
        throw new InkboxConfigurationError('idempotency.redis.url must be a redis:// or rediss:// URL.');
      }
      const Redis = loadIoredis();
      this.client = new Redis(options.url, {
        // Fail a command after one reconnection attempt instead of queuing it for long: the
        // delivery then gets 503 (or runs unprotected with onStoreError 'open') and Inkbox retries.
        maxRetriesPerRequest: 1,
        connectTimeout: 5_000,
        // On shutdown, do not keep the process alive for long waiting on a dead socket.
        disconnectTimeout: 500,
      });
      this.owned = true;
      this.client.on?.('error', (error: unknown) => this.markDown(error));
      this.client.on?.('ready', () => this.markUp());
    }
  }

  async claim(
    eventKey: string,
    handlerIds: readonly string[],
    options: InkboxClaimOptions,
  ): Promise<InkboxClaimResult> {
    const token = randomUUID();
    if (handlerIds.length === 0) return { run: [], done: [], busy: [], token };
    const reply = await this.run(SCRIPTS.claim, 'the claim', this.keyPrefix + eventKey, [
      token,
      Math.max(0, Math.floor(options.leaseMs)),
      Math.max(1, Math.floor(options.ttlMs)),
      ...handlerIds,
    ]);
    const codes = typeof reply === 'string' ? reply : Buffer.isBuffer(reply) ? reply.toString('latin1') : '';
    if (codes.length !== handlerIds.length) {
      throw new Error(
        `Redis answered the claim with an unexpected reply (${codes.length} states for ${handlerIds.length} handlers)`,
      );
    }
    const run: string[] = [];
    const done: string[] = [];
    const busy: string[] = [];
    for (let i = 0; i < handlerIds.length; i++) {
      const code = codes[i];
      (code === 'r' ? run : code === 'd' ? done : busy).push(handlerIds[i]!);
    }
    return { run, done, busy, token };
  }

  async complete(eventKey: string, handlerId: string, _token: string, options: InkboxClaimOptions): Promise<void> {
    await this.run(SCRIPTS.complete, 'the completion', this.keyPrefix + eventKey, [
      handlerId,
      Math.max(1, Math.floor(options.ttlMs)),
    ]);
  }

  async release(eventKey: string, handlerId: string, token: string): Promise<void> {
    await this.run(SCRIPTS.release, 'the release', this.keyPrefix + eventKey, [handlerId, token]);
  }

  /** Closes the client if the store created it (from a URL); an app-provided client is left open. */
  async close(): Promise<void> {
    if (!this.owned) return;
    try {
      await withRedisTimeout(Promise.resolve(this.client.quit?.()), 1_000, 'QUIT');
    } catch {
      // Redis unreachable: drop the connection without the goodbye.
    }
    this.client.disconnect?.();
  }

  private async run(s: Script, what: string, key: string, args: Array<string | number>): Promise<unknown> {
    // An ioredis client that lost its connection (or never got one) queues calls until it
    // reconnects or gives up, which can take seconds: answer "unavailable" at once instead. While
    // it first connects (app start), calls wait in its queue, up to commandTimeoutMs.
    const status = this.client.status;
    if (typeof status === 'string' && (DISCONNECTED.has(status) || (this.answered && status !== 'ready'))) {
      throw new Error(`Redis is not connected (client status: ${status})`);
    }
    const call = async () => {
      if (typeof this.client.evalsha === 'function') {
        try {
          return await this.client.evalsha(s.sha, 1, key, ...args);
        } catch (error) {
          if (!String((error as Error)?.message ?? error).startsWith('NOSCRIPT')) throw error;
        }
      }
      return this.client.eval(s.source, 1, key, ...args);
    };
    const reply = await withRedisTimeout(call(), this.timeoutMs, what);
    this.answered = true;
    return reply;
  }

  private markDown(error: unknown): void {
    if (!this.healthy) return;
    this.healthy = false;
    const detail = (error as Error)?.message ?? String(error);
    this.logger.error(
      `Redis connection lost (${detail.slice(0, 200)}); deliveries cannot be deduplicated until it is back.`,
    );
  }

  private markUp(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.logger.log('Redis connection is back.');
  }
}
