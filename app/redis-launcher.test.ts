import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import { RedisUnavailableError, resolveRedis } from './redis-launcher.js';

const dir = mkdtempSync(join(tmpdir(), 'paymesh-redis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveRedis', () => {
  it('uses the default Redis when it answers', async () => {
    const resolved = await resolveRedis(undefined, dir, 'redis://127.0.0.1:6379');
    expect(resolved).toMatchObject({ url: 'redis://127.0.0.1:6379', private: false });
  });

  it('starts a private redis-server under the data folder when nothing answers, and stops it', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    const resolved = await resolveRedis(undefined, dir, dead);
    expect(resolved.private).toBe(true);
    expect(resolved.url).not.toBe(dead);
    const client = new Redis(resolved.url, { maxRetriesPerRequest: 1 });
    expect(await client.ping()).toBe('PONG');
    expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    client.disconnect();
    expect(existsSync(join(dir, 'redis'))).toBe(true);
    await resolved.stop();
    const probe = new Redis(resolved.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    await expect(probe.connect()).rejects.toThrow();
    probe.disconnect();
  }, 20_000);

  it('refuses with one clear line when REDIS_URL does not answer', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    await expect(resolveRedis(dead, dir)).rejects.toThrow(RedisUnavailableError);
    await expect(resolveRedis(dead, dir)).rejects.toThrow(/^Redis at REDIS_URL \(redis:\/\/127\.0\.0\.1:\d+\) does not answer$/);
  });
});
