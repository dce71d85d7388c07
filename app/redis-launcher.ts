import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface ResolvedRedis {
  url: string;
  /** Stops the private redis-server we started, if any. */
  stop(): Promise<void>;
  private: boolean;
}

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1000, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}


export class RedisUnavailableError extends Error {}

/**
 * REDIS_URL when set; else 127.0.0.1:6379 when it answers; else a private redis-server
 * under ./data/redis (append-only, so a restart keeps queued jobs) stopped on exit;
 * else one clear line saying what to install.
 */
export async function resolveRedis(configured: string | undefined, dataDir = './data', defaultUrl = DEFAULT_REDIS_URL): Promise<ResolvedRedis> {
  const none = async () => undefined;
  if (configured) {
    if (!(await answers(configured))) throw new RedisUnavailableError(`Redis at REDIS_URL (${redactUrl(configured)}) does not answer`);
    return { url: configured, stop: none, private: false };
  }
  if (await answers(defaultUrl)) return { url: defaultUrl, stop: none, private: false };
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new RedisUnavailableError(
      'no Redis answers on 127.0.0.1:6379 and redis-server is not installed: install Redis (e.g. `apt-get install redis-server`) or set REDIS_URL',
    );
  }
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await answers(url)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await answers(url))) {
    child.kill('SIGKILL');
    throw new RedisUnavailableError('a private redis-server was started but did not answer within 5 s');
  }
  return {
    url,
    private: true,
    stop: () =>
      new Promise<void>((res) => {
        if (child.exitCode !== null) return res();
        child.once('exit', () => res());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }),
  };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
