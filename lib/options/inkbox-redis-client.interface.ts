/** A Redis client the idempotency store can use (ioredis or compatible). */
export interface InkboxRedisClientLike {
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
  quit?(): Promise<unknown>;
}
