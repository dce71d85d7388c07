import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { testRedisUrl } from './redis.js';
export { freePort } from '../../app/free-port.js';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const tsxBin = resolve(repoRoot, 'node_modules/.bin/tsx');


export interface Spawned {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Runs a TypeScript entry of this repo with tsx, capturing stdout+stderr. */
export function spawnTs(entry: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Spawned {
  // tsx reads tsconfig.json from the cwd; name it, so legacy decorators compile from any cwd.
  const child = spawn(tsxBin, ['--tsconfig', resolve(repoRoot, 'tsconfig.json'), resolve(repoRoot, entry), ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal, at: Date.now() })),
  );
  return { child, output: () => out, exited };
}

/**
 * A TypeScript entry of this repo as its own node process on a test core's database and a
 * Redis prefix: `node --import tsx`, not the tsx binary, which forks a second process, so
 * a signal sent to the child reaches the real one.
 */
export function spawnOnTestDatabase(
  entry: string,
  args: string[],
  on: { databaseUrl: string; secretKeyHex: string; redisPrefix: string },
  env: Record<string, string>,
  stdio: StdioOptions,
): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', resolve(repoRoot, entry), ...args], {
    cwd: repoRoot,
    stdio,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: on.databaseUrl,
      SECRET_KEY: on.secretKeyHex,
      REDIS_URL: testRedisUrl,
      REDIS_PREFIX: on.redisPrefix,
      CALLBACK_ALLOW_LOOPBACK: 'true',
      ...env,
    },
  });
}

/** Sends `signal` to every child still running and waits until each has exited. */
export async function stopChildren(children: readonly ChildProcess[], signal: NodeJS.Signals): Promise<void> {
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  const exits = running.map((c) => once(c, 'exit'));
  for (const c of running) c.kill(signal);
  await Promise.all(exits);
}

/** Polls `probe` until it returns true or `ms` pass. */
export async function waitFor(probe: () => Promise<boolean>, ms: number, stepMs = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return false;
}

/** The environment without database/redis overrides: what a fresh `npm start` sees. */
export function embeddedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.SECRET_KEY;
  return { ...env, ...extra };
}
