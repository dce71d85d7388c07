import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Core } from '../core/core.js';
import { channelNotifyRoutes } from '../adapters/channels/notify-route.js';
import { enabledAdapters } from '../adapters/rest/registry.js';
import { pino, type DestinationStream } from 'pino';
import { loggerOptions } from './logger.js';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HttpOptions {
  core: Core;
  redis?: Redis;
  /** Extra readiness checks (e.g. subgraphs), added by the roles that own them. */
  readiness?: ReadinessCheck[];
  /** Mount the REST adapters (role `api` / `all`). */
  rest?: boolean;
  /** Where log lines go (stdout by default); tests capture them to check redaction. */
  logDestination?: DestinationStream;
}

/**
 * The one HTTP server: REST adapters, GraphQL, the cashier page and health checks share
 * it. Infrastructure (form parsing, request ids, health) lives here; every dialect is an
 * encapsulated plugin with its own envelope.
 */
export async function buildHttpServer(opts: HttpOptions): Promise<FastifyInstance> {
  const { core } = opts;
  const app = Fastify({
    loggerInstance: pino(loggerOptions(core.config.LOG_LEVEL), opts.logDestination ?? pino.destination(1)) as FastifyBaseLogger,
    genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].length <= 64 ? req.headers['x-request-id'] : randomUUID()),
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    // The legacy clients of document 004 come from a case-insensitive (.NET) world:
    // `/api/pay/create` must reach `/api/Pay/Create`.
    routerOptions: { caseSensitive: false },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  await app.register(formbody);

  const checks: ReadinessCheck[] = [
    { name: 'database', check: async () => void (await core.em().execute('select 1')) },
    ...(opts.redis ? [{ name: 'redis', check: async () => void (await opts.redis!.ping()) }] : []),
    ...(opts.readiness ?? []),
  ];

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const results = await Promise.all(
      checks.map(async (c) => {
        try {
          await withTimeout(c.check(), 2000);
          return [c.name, 'ok'] as const;
        } catch (e) {
          return [c.name, `down: ${(e as Error).message}`] as const;
        }
      }),
    );
    const ready = results.every(([, s]) => s === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) });
  });

  if (opts.rest !== false) {
    await app.register(channelNotifyRoutes, { core });
    for (const adapter of enabledAdapters(core.config.REST_ADAPTERS)) {
      await app.register(adapter.plugin, { core });
    }
  }

  // Outside every dialect: a plain JSON 404 and a JSON error without internals.
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', path: req.url.split('?')[0] }));
  app.setErrorHandler((err: { statusCode?: number; message: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, 'unhandled error');
    return reply.code(status).send({ error: status === 500 ? 'internal_error' : 'bad_request', message: status === 500 ? 'internal error' : err.message });
  });
  return app;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
