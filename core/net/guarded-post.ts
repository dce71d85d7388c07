import type { Dispatcher } from 'undici';
import { oneTargetPool, PinnedPools } from './pinned-pools.js';
import {
  CallbackTargetRefused,
  checkCallbackUrl,
  resolveCheckedName,
  systemResolver,
  type HostResolver,
  type ResolvedAddress,
  type TargetPolicy,
} from './ssrf-guard.js';

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
 * checked address only, no redirects followed, bounded in time and in reply size. Every
 * request is resolved and checked; a kept-alive socket is reused only for the exact
 * (protocol, checked address, port, host name) this request's check produced.
 *
 * One timer bounds the whole exchange and aborts the request when it fires: no
 * AbortController (with Node's own client, an abort signal, its listeners and a second URL
 * parse were half the client's CPU per callback, bench section 4).
 */
export async function guardedPost(req: GuardedPost): Promise<GuardedReply> {
  const startedAt = new Date();
  const t0 = performance.now();
  const deadline = new Deadline(req.timeoutMs);
  const done = (part: Omit<GuardedReply, 'startedAt' | 'latencyMs'>): GuardedReply => ({
    startedAt,
    latencyMs: Math.round(performance.now() - t0),
    ...part,
  });
  try {
    // Parsed and checked once; only a host name waits (on the deadline) for its resolution.
    const checked = checkCallbackUrl(req.url, req.policy);
    const target = 'pinned' in checked ? checked : await deadline.race(resolveCheckedName(checked, req.policy, req.resolve ?? systemResolver));
    const reply = await send(target.url, target.pinned, req, deadline);
    return done({ httpStatus: reply.status, body: reply.body, truncated: reply.truncated, error: null, refused: false });
  } catch (e) {
    if (e instanceof CallbackTargetRefused) return done({ httpStatus: null, body: '', truncated: false, error: e.message, refused: true });
    const message = deadline.passed ? `timeout after ${req.timeoutMs} ms` : describeNetworkError(e);
    return done({ httpStatus: null, body: '', truncated: false, error: message, refused: false });
  } finally {
    deadline.clear();
  }
}

/** The exchange's deadline: one timer, which fails whatever is waiting on it when it fires. */
class Deadline {
  passed = false;
  private readonly timer: NodeJS.Timeout;
  /** What to fail when the deadline passes (the DNS wait, then the request). */
  private onPass: ((reason: Error) => void) | null = null;

  constructor(ms: number) {
    this.timer = setTimeout(() => {
      this.passed = true;
      this.onPass?.(new DeadlineExceeded());
    }, ms);
  }

  /** Fails `fail` at once if the deadline passed, or when it passes (replacing what was armed before). */
  arm(fail: (reason: Error) => void): void {
    if (this.passed) fail(new DeadlineExceeded());
    else this.onPass = fail;
  }

  race<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.arm(reject);
      work.then(resolve, reject);
    });
  }

  clear(): void {
    clearTimeout(this.timer);
    this.onPass = null;
  }
}

/** One process-wide set of pools: callbacks to the same receiver share its kept-alive sockets. */
const pools = new PinnedPools();

/** A kept-alive socket the receiver had closed (a race with its idle timeout): nothing was answered on it. */
class ReusedSocketLost extends Error {}

async function send(url: URL, pinned: ResolvedAddress, req: GuardedPost, deadline: Deadline): Promise<Reply> {
  const pooled = pools.poolFor(url, pinned);
  try {
    return await (pooled ? sendOn(pooled, url, req, deadline) : sendAlone(url, pinned, req, deadline));
  } catch (e) {
    // Once, on a connection of its own. The receiver may see the request twice, which
    // callbacks allow (delivery is at-least-once), rather than a failed attempt.
    if (e instanceof ReusedSocketLost) return sendAlone(url, pinned, req, deadline);
    throw e;
  }
}

/** On a connection of its own, closed after the reply. */
async function sendAlone(url: URL, pinned: ResolvedAddress, req: GuardedPost, deadline: Deadline): Promise<Reply> {
  const pool = oneTargetPool(url, pinned, 0);
  try {
    return await sendOn(pool, url, req, deadline);
  } finally {
    void pool.destroy();
  }
}

interface Reply {
  status: number;
  body: string;
  truncated: boolean;
}

/**
 * The POST through undici's dispatcher interface: no response stream or abort signal, the
 * reply's chunks are kept up to the cap. The deadline aborts the request wherever it is; if
 * it passes while the request still waits for a socket, the request is aborted as soon as
 * it starts.
 */
function sendOn(pool: Dispatcher, url: URL, req: GuardedPost, deadline: Deadline): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | null = null;
    let settled = false;
    let status = 0;
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (outcome: Reply | Error) => {
      if (settled) return;
      settled = true;
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const body = () => Buffer.concat(chunks).subarray(0, req.replyCapBytes).toString('utf8');
    deadline.arm((reason) => {
      finish(reason);
      controller?.abort(reason);
    });
    pool.dispatch(
      { origin: url.origin, path: url.pathname + url.search, method: 'POST', headers: req.headers, body: req.body },
      {
        onRequestStart(c) {
          controller = c;
          if (settled) c.abort(new DeadlineExceeded());
        },
        onResponseStart(_c, statusCode) {
          status = statusCode;
        },
        onResponseData(c, chunk) {
          chunks.push(chunk);
          size += chunk.length;
          if (size > req.replyCapBytes) {
            finish({ status, body: body(), truncated: true });
            c.abort(new Error('reply longer than the cap'));
          }
        },
        onResponseEnd() {
          finish({ status, body: body(), truncated: false });
        },
        onResponseError(_c, error) {
          finish(status === 0 && wasReused(error) ? new ReusedSocketLost(error.message) : error);
        },
      },
    );
  });
}

/**
 * The socket closed before any reply to this request, and it had carried an earlier
 * exchange: a kept-alive socket the receiver closed as it was reused.
 */
function wasReused(error: Error): boolean {
  const socket = (error as { socket?: { bytesRead?: number } }).socket;
  return (error as NodeJS.ErrnoException).code === 'UND_ERR_SOCKET' && (socket?.bytesRead ?? 0) > 0;
}

function describeNetworkError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as NodeJS.ErrnoException).code;
  return code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
}
