import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CallbackTargetRefused, pinnedLookup, resolveCallbackTarget, systemResolver, type HostResolver, type TargetPolicy } from './ssrf-guard.js';

export interface GuardedPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Deadline of the whole exchange: DNS, connect, request, reply. */
  timeoutMs: number;
  /** Bytes of the reply kept; the rest is not read (a callback reply is a word, not a page). */
  replyCapBytes: number;
  policy: TargetPolicy;
  resolve?: HostResolver;
}

/** What one request produced. Never thrown: every failure is a value the caller records. */
export interface GuardedReply {
  startedAt: Date;
  latencyMs: number;
  httpStatus: number | null;
  /** Reply body (UTF-8), at most `replyCapBytes` of it. */
  body: string;
  /** The reply was longer than the cap. */
  truncated: boolean;
  error: string | null;
  /** The URL was refused by the SSRF guard: no connection was made. */
  refused: boolean;
}

class DeadlineExceeded extends Error {}

/**
 * One POST to an untrusted URL: resolved and checked by the SSRF guard, connected to the
 * checked address only, no redirects followed, no connection reuse, bounded in time and
 * in reply size.
 */
export async function guardedPost(req: GuardedPost): Promise<GuardedReply> {
  const startedAt = new Date();
  const t0 = performance.now();
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DeadlineExceeded());
  }, req.timeoutMs);
  const done = (part: Omit<GuardedReply, 'startedAt' | 'latencyMs'>): GuardedReply => ({
    startedAt,
    latencyMs: Math.round(performance.now() - t0),
    ...part,
  });
  try {
    const target = await raceDeadline(resolveCallbackTarget(req.url, req.policy, req.resolve ?? systemResolver), controller.signal);
    const reply = await send(target.url, target.pinned, req, controller.signal);
    return done({ httpStatus: reply.status, body: reply.body, truncated: reply.truncated, error: null, refused: false });
  } catch (e) {
    if (e instanceof CallbackTargetRefused) return done({ httpStatus: null, body: '', truncated: false, error: e.message, refused: true });
    const message = timedOut ? `timeout after ${req.timeoutMs} ms` : describeNetworkError(e);
    return done({ httpStatus: null, body: '', truncated: false, error: message, refused: false });
  } finally {
    clearTimeout(timer);
  }
}

function raceDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function send(
  url: URL,
  pinned: { address: string; family: 4 | 6 },
  req: GuardedPost,
  signal: AbortSignal,
): Promise<{ status: number; body: string; truncated: boolean }> {
  const payload = Buffer.from(req.body, 'utf8');
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        headers: { ...req.headers, 'content-length': String(payload.length) },
        lookup: pinnedLookup(pinned),
        // A fresh agent per request: no pooled socket to an address checked for someone else.
        agent: false,
        signal,
      },
      (res: IncomingMessage) => readCapped(res, req.replyCapBytes, signal).then((r) => resolve({ status: res.statusCode ?? 0, ...r }), reject),
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

function readCapped(res: IncomingMessage, cap: number, signal: AbortSignal): Promise<{ body: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (truncated: boolean) => {
      if (settled) return;
      settled = true;
      resolve({ body: Buffer.concat(chunks).subarray(0, cap).toString('utf8'), truncated });
    };
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > cap) {
        finish(true);
        res.destroy();
      }
    });
    res.on('end', () => finish(false));
    res.on('error', (e) => {
      if (!settled) {
        settled = true;
        reject(signal.aborted ? signal.reason : e);
      }
    });
    res.on('close', () => {
      if (!settled && !res.complete) {
        settled = true;
        reject(signal.aborted ? signal.reason : new Error('connection closed before the reply ended'));
      }
    });
  });
}

function describeNetworkError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as NodeJS.ErrnoException).code;
  return code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
}
