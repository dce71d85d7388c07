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
      const body = Buffer.concat(chunks).toString('utf8');
      const channel = (req.url ?? '/').split('/')[1] ?? '';
      const key = new URLSearchParams(body).get('mrn') ?? body;
      const arrived: ArrivedCallback = { at, channel, key };
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
