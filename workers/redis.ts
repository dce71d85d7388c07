import { Redis, type RedisOptions } from 'ioredis';

/**
 * Two kinds of Redis connection, as BullMQ wants them: workers block on Redis and must
 * retry forever (`maxRetriesPerRequest: null`); producers (the outbox relay, HTTP
 * handlers) must fail fast so a Redis outage surfaces as an error the caller handles
 * (the outbox row simply stays unrelayed) instead of a request hanging.
 */
export function workerConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
}

export function producerConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...extra,
  });
}

/** BullMQ loses jobs silently under any eviction policy other than `noeviction`. */
export async function evictionPolicyWarning(redis: Redis): Promise<string | null> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    return policy && policy !== 'noeviction'
      ? `Redis maxmemory-policy is "${policy}"; queues need "noeviction" or jobs may be evicted`
      : null;
  } catch {
    return null; // managed Redis often forbids CONFIG; nothing to say then
  }
}
