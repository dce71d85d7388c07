import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedEnv, freePort, repoRoot, spawnTs, waitFor } from './support/processes.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function emptyDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'paymesh-start-'));
  dirs.push(d);
  return d;
}

describe('npm start (all roles, embedded default)', () => {
  it('comes up in an empty directory, answers /readyz, and exits 0 within 5 s of SIGTERM', async () => {
    const port = await freePort();
    const app = spawnTs('app/main.ts', [], { cwd: emptyDir(), env: embeddedEnv({ PORT: String(port), LOG_LEVEL: 'warn', REDIS_PREFIX: `start-${port}` }) });
    try {
      const ready = await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, 30_000, 200);
      expect(ready, app.output()).toBe(true);
      const body = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { status: string; checks: Record<string, string> };
      expect(body.status).toBe('ready');
      expect(body.checks).toMatchObject({ database: 'ok', redis: 'ok' });
      const sentAt = Date.now();
      app.child.kill('SIGTERM');
      const exit = await app.exited;
      expect(exit.code, app.output()).toBe(0);
      expect(exit.at - sentAt).toBeLessThan(5000);
    } finally {
      app.child.kill('SIGKILL');
    }
  }, 45_000);

  it('as `npm start` itself, stops gracefully when only npm is sent SIGTERM (a container’s PID 1, a process manager)', async () => {
    // npm runs the script through `sh -c`, which does not pass a signal on; the script
    // `exec`s, so the signal npm forwards reaches the server instead of leaving it orphaned.
    const port = await freePort();
    const dir = emptyDir();
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: repoRoot,
      env: embeddedEnv({ PORT: String(port), LOG_LEVEL: 'info', REDIS_PREFIX: `npm-start-${port}`, DATABASE_URL: `sqlite:${join(dir, 'paymesh.db')}` }),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a failed run can kill whatever npm left behind.
      detached: true,
    });
    let output = '';
    npm.stdout.on('data', (d: Buffer) => (output += d.toString()));
    npm.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((res) => npm.on('exit', (code) => res(code)));
    try {
      expect(await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, 30_000, 200), output).toBe(true);
      npm.kill('SIGTERM');
      expect(await exited, output).toBe(0);
      expect(output).toContain('"msg":"shutting down"');
      expect(await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).then(() => 'up', () => 'down')) === 'down', 5000, 100)).toBe(true);
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // The group is gone: everything exited.
      }
    }
  }, 45_000);

  it('refuses a bad configuration value with one readable line and a non-zero exit', async () => {
    const app = spawnTs('app/main.ts', [], { cwd: emptyDir(), env: embeddedEnv({ PORT: 'not-a-port', DATABASE_URL: 'mysql://x' }) });
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    const lines = app.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^paymesh: invalid configuration: .*PORT.*DATABASE_URL/);
  }, 20_000);

  it('refuses an unknown role with one line', async () => {
    const app = spawnTs('app/main.ts', ['teleport'], { cwd: emptyDir(), env: embeddedEnv({}) });
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    expect(app.output().trim()).toMatch(/^paymesh: unknown role "teleport"/);
  }, 20_000);
});
