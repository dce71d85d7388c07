import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { repoRoot } from './processes.js';

/** What the figures were measured on and with. */
export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  ramGb: number;
  os: string;
  node: string;
  postgres: string;
  redis: string;
  /** Versions of the packages under test or doing the measuring. */
  packages: Record<string, string>;
  commit: string;
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function commitOf(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: repoRoot, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

function osOf(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? process.platform;
  } catch {
    return process.platform;
  }
}

export async function captureMachine(postgresUrl: string, redisUrl: string): Promise<MachineInfo> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  const postgres = ((await client.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?').split(' ')[0]!;
  await client.end();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const info = await redis.info('server');
  redis.disconnect();
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    ramGb: Math.round(totalmem() / 2 ** 30),
    os: osOf(),
    node: process.version,
    postgres,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? '?',
    packages: Object.fromEntries(
      ['fastify', '@mikro-orm/core', 'pg', 'bullmq', 'ioredis', '@apollo/gateway', '@apollo/server', '@graphql-hive/gateway', 'autocannon'].map((n) => [n, packageVersion(n)]),
    ),
    commit: commitOf(),
  };
}
