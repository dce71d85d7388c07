import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';

/** The Redis tests use (a real one); each test file isolates itself with its own key prefix. */
export const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A BullMQ prefix no other test file uses. */
export function uniquePrefix(label = 'test'): string {
  return `${label}-${randomUUID()}`;
}

/** Deletes every key under `prefix` (the queues a test file created). */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

export const silentLog: Logger = pino({ level: 'silent' });
