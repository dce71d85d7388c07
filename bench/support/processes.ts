import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
export { freePort } from '../../app/free-port.js';

export const repoRoot = resolve(import.meta.dirname, '../..');

/** Only the tail of a child's output is kept: enough to explain a failed start. */
const OUTPUT_TAIL_CHARS = 16_000;

export interface BenchProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** The last lines the process printed (stdout and stderr together). */
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  /** A script path relative to the repository root, or an absolute one. */
  entry: string;
  args?: string[];
  env: NodeJS.ProcessEnv;
  /** Extra flags for node itself (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Also append everything the process prints to this file. */
  logFile?: string;
  /** Run TypeScript through tsx's loader (`node --import tsx`); off for plain JavaScript bins. */
  typescript?: boolean;
}

/**
 * Starts a real child process with `node` itself as the process (no wrapper), so the pid
 * the harness samples RSS from is the program under test.
 */
export function startNodeProcess(opts: StartOptions): BenchProcess {
  const loader = opts.typescript === false ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...loader, ...(opts.nodeArgs ?? []), resolve(repoRoot, opts.entry), ...(opts.args ?? [])], {
    cwd: repoRoot,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const log = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : null;
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-OUTPUT_TAIL_CHARS);
    log?.write(d);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((res) =>
    child.once('exit', (code) => {
      log?.end();
      res(code);
    }),
  );
  let ended = false;
  void exited.then(() => (ended = true));
  return {
    name: opts.name,
    pid: child.pid!,
    child,
    output: () => out,
    exited,
    stop: async (graceMs = 8000) => {
      if (ended) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}


/**
 * Polls `url` until it answers 200, failing early (with the process's output) when the
 * process exits first or `ms` pass.
 */
export async function waitUntilServing(proc: BenchProcess, url: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${proc.name} exited while starting:\n${proc.output().slice(-3000)}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(150);
  }
  throw new Error(`${proc.name} did not answer ${url} within ${ms} ms:\n${proc.output().slice(-3000)}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` every `stepMs` until it is true or `ms` pass; returns whether it became true. */
export async function pollUntil(probe: () => Promise<boolean>, ms: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await sleep(stepMs);
  }
  return probe();
}
