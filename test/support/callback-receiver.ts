import { createServer, type IncomingHttpHeaders } from 'node:http';
import { once } from 'node:events';
import { afterEach } from 'vitest';

/** One callback as a merchant's server saw it. */
export interface ReceivedCallback {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How the receiver answers the n-th (0-based) request: a reply, or `hang` (never answer). */
export type ReceiverScript = (request: ReceivedCallback, index: number) => { status: number; body: string } | 'hang';

export interface CallbackReceiver {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  requests: ReceivedCallback[];
  /** TCP connections accepted, whether or not a request followed. */
  connections(): number;
  /** Resolves when `n` requests have arrived. */
  waitForRequests(n: number, ms?: number): Promise<void>;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 playing a merchant's callback endpoint. */
export async function startCallbackReceiver(script: ReceiverScript): Promise<CallbackReceiver> {
  const requests: ReceivedCallback[] = [];
  let connections = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedCallback = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      const index = requests.push(received) - 1;
      for (const w of waiters.filter((x) => requests.length >= x.n)) w.resolve();
      const answer = script(received, index);
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
    });
  });
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    waitForRequests: (n, ms = 5000) =>
      new Promise<void>((resolve, reject) => {
        if (requests.length >= n) return resolve();
        const timer = setTimeout(() => reject(new Error(`receiver got ${requests.length} of ${n} requests in ${ms} ms`)), ms);
        waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * For a test file: `receiver(script)` starts a receiver that is closed after the test that
 * started it.
 */
export function receiversClosedAfterEach(): (script: ReceiverScript) => Promise<CallbackReceiver> {
  const open: CallbackReceiver[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.close()));
  });
  return async (script) => {
    const r = await startCallbackReceiver(script);
    open.push(r);
    return r;
  };
}
