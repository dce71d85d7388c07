import { once } from 'node:events';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One callback as the merchant's server saw it: when (performance.now(), this process's clock), where, and its `mrn`. */
export interface ArrivedCallback {
  at: number;
  /** The first path segment: which section's orders it belongs to (`/money/...` → `money`). */
  channel: string;
  /** `mrn` of a form body (document-004 callbacks), else the whole body. */
  key: string;
}

export interface BenchReceiver {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Callbacks of one channel so far, in arrival order. */
  arrived(channel: string): ArrivedCallback[];
  /** Calls `listener` for every callback from now on; returns the unsubscribe. */
  subscribe(listener: (callback: ArrivedCallback) => void): () => void;
  close(): Promise<void>;
}

/**
 * A merchant's callback endpoint on 127.0.0.1 that acknowledges everything with `success`
 * (document 004's acknowledgement) and timestamps each arrival the moment its body ends.
 */
export async function startBenchReceiver(): Promise<BenchReceiver> {
  const byChannel = new Map<string, ArrivedCallback[]>();
  const listeners = new Set<(c: ArrivedCallback) => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const body = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '/';
      const channel = url.slice(1, (url.indexOf('/', 1) + 1 || url.length + 1) - 1);
      const arrived: ArrivedCallback = { at, channel, key: mrnOf(body) ?? body };
      let list = byChannel.get(channel);
      if (!list) byChannel.set(channel, (list = []));
      list.push(arrived);
      for (const l of listeners) l(arrived);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('success');
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    arrived: (channel) => byChannel.get(channel) ?? [],
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * `mrn` of a form body. The receiver shares the two cores with the process it measures, so
 * it reads the one field it needs rather than parsing the whole form.
 */
function mrnOf(body: string): string | null {
  let at: number;
  if (body.startsWith('mrn=')) at = 4;
  else {
    const field = body.indexOf('&mrn=');
    if (field === -1) return null;
    at = field + 5;
  }
  const end = body.indexOf('&', at);
  const raw = body.slice(at, end === -1 ? undefined : end);
  return /[%+]/.test(raw) ? decodeURIComponent(raw.replaceAll('+', ' ')) : raw;
}
