import http from 'node:http';
import https from 'node:https';
import type apolloGateway from '@apollo/gateway';

/** Apollo's Fetcher contract, as RemoteGraphQLDataSource declares it. */
export type Fetcher = InstanceType<(typeof apolloGateway)['RemoteGraphQLDataSource']>['fetcher'];
type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/** One finished HTTP exchange with a subgraph: the whole reply, body as text. */
interface Exchange {
  url: string;
  status: number;
  statusText: string;
  rawHeaders: string[];
  body: string;
}

/**
 * Concurrent calls to one subgraph are at most the gateway's concurrent requests times the
 * fetches of one plan; beyond this many, calls wait for a free connection instead of the
 * subgraph being handed ever more sockets.
 */
const MAX_SOCKETS_PER_SUBGRAPH = 64;
/**
 * Idle connections close after this long. Node's agent also honours a shorter
 * `Keep-Alive: timeout` the subgraph announces, so the agent, not the server, closes an idle
 * socket and a request is not written into a connection the server is closing.
 */
const IDLE_SOCKET_MS = 30_000;

/** What a failed connection is raised as, so format-error.ts answers it UNAVAILABLE. */
function fetchError(url: string, cause: Error): Error {
  const code = (cause as { code?: unknown }).code;
  const failure = new Error(`request to ${url} failed: ${typeof code === 'string' ? code : cause.message}`, { cause });
  failure.name = 'FetchError';
  return failure;
}

/** A call abandoned at SUBGRAPH_TIMEOUT_MS: a FetchError too, since to the caller the subgraph is just as unavailable. */
function timeoutError(url: string, timeoutMs: number): Error {
  const failure = new Error(`request to ${url} timed out: no complete reply within ${timeoutMs} ms (SUBGRAPH_TIMEOUT_MS)`);
  failure.name = 'FetchError';
  return Object.assign(failure, { code: 'ETIMEDOUT' });
}

/** A reply of its own for each caller: Apollo parses, and then mutates, what `json()` returns. */
function replyFor(exchange: Exchange): FetcherResponse {
  let bodyUsed = false;
  const text = async () => {
    bodyUsed = true;
    return exchange.body;
  };
  const headers = new Headers();
  for (let i = 0; i < exchange.rawHeaders.length; i += 2) headers.append(exchange.rawHeaders[i]!, exchange.rawHeaders[i + 1]!);
  return {
    get bodyUsed() {
      return bodyUsed;
    },
    url: exchange.url,
    redirected: false,
    status: exchange.status,
    ok: exchange.status >= 200 && exchange.status < 300,
    statusText: exchange.statusText,
    headers,
    text,
    json: async () => JSON.parse(await text()) as unknown,
    arrayBuffer: async () => new TextEncoder().encode(await text()).buffer,
    clone: () => replyFor(exchange),
  };
}

/**
 * The gateway's HTTP client for one subgraph: Node's `http` module over kept-alive sockets,
 * the reply read whole as text. Apollo's subgraph calls are small JSON POSTs; undici's fetch
 * wraps each in web streams, a cost the gateway paid on every call for nothing (bench/FINDINGS.md).
 *
 * `fetch` sends every call; `fetchMerged` lets a call join an identical one still in flight
 * (same URL, same headers — so the same secret and the same caller identity — and the same
 * body) and share its reply. Only callers that know the call is a read may use it.
 *
 * Every call is given `timeoutMs` for the whole exchange — connecting, sending, reading the
 * reply to its end — so a subgraph that hangs cannot hold gateway requests open. A merged
 * call has one deadline, that of the exchange its joiners share.
 */
export class SubgraphClient {
  private readonly agent: http.Agent;
  private readonly send: typeof http.request;
  private readonly inFlight = new Map<string, Promise<Exchange>>();

  constructor(url: string, private readonly timeoutMs: number) {
    const secure = new URL(url).protocol === 'https:';
    const options = { keepAlive: true, maxSockets: MAX_SOCKETS_PER_SUBGRAPH, timeout: IDLE_SOCKET_MS };
    this.agent = secure ? new https.Agent(options) : new http.Agent(options);
    this.send = secure ? https.request : http.request;
  }

  readonly fetch: Fetcher = async (url, init) => replyFor(await this.exchange(url, init));

  readonly fetchMerged: Fetcher = async (url, init) => {
    // A caller with its own abort signal keeps its own exchange, so aborting affects only it.
    if (init?.signal || typeof init?.body !== 'string') return this.fetch(url, init);
    const key = `${init.method ?? 'GET'} ${url}\n${JSON.stringify(init.headers ?? {})}\n${init.body}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      // Forgotten the moment it settles, so no later call is answered from a finished exchange.
      pending = this.exchange(url, init, () => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return replyFor(await pending);
  };

  /** Closes the idle kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private exchange(url: string, init: FetcherRequestInit | undefined, settled?: () => void): Promise<Exchange> {
    return new Promise<Exchange>((resolve, reject) => {
      let done = false;
      const finish = (outcome: () => void) => {
        if (done) return;
        done = true;
        // Only ever called from events, all emitted after this executor has set `deadline`.
        clearTimeout(deadline);
        settled?.();
        outcome();
      };
      const signal = init?.signal as AbortSignal | undefined;
      // An abort (a caller's timeout) is raised as AbortError, which format-error.ts knows.
      const fail = (e: Error) => finish(() => reject(signal?.aborted ? abortError(signal, e) : fetchError(url, e)));
      const body = init?.body ?? '';
      const req = this.send(
        url,
        { method: init?.method ?? 'GET', headers: { ...init?.headers, 'content-length': String(Buffer.byteLength(body)) }, agent: this.agent, signal },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            finish(() => resolve({ url, status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', rawHeaders: res.rawHeaders, body: text })),
          );
          res.on('error', fail);
          res.on('close', () => fail(Object.assign(new Error('the subgraph closed the connection mid-reply'), { code: 'ECONNRESET' })));
        },
      );
      req.on('error', fail);
      // Destroying the request destroys its socket, so a connection a late reply may still
      // arrive on never goes back to the keep-alive pool to be handed to the next call.
      const deadline = setTimeout(() => {
        finish(() => reject(timeoutError(url, this.timeoutMs)));
        req.destroy();
      }, this.timeoutMs);
      req.end(body);
    });
  }
}

function abortError(signal: AbortSignal, e: Error): Error {
  if (e.name === 'AbortError') return e;
  const aborted = new Error('the subgraph call was aborted', { cause: signal.reason });
  aborted.name = 'AbortError';
  return aborted;
}
