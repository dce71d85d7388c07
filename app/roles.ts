import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import { OutboxWakeupListener, outboxWakeupSender } from '../core/outbox/wakeup.js';
import { credentialChangeListener } from '../core/services/credential-changes.js';
import { OutboxRelay } from '../workers/outbox-relay.js';
import { evictionPolicyWarning, producerConnection } from '../workers/redis.js';
import { WorkerRuntime } from '../workers/runtime.js';
import { buildHttpServer } from './http.js';
import { buildGraphRoleServer, graphRoles, inProcessGateway, isGraphRole } from '../gateway/roles.js';

export const roles = ['all', 'api', 'workers', ...graphRoles] as const;
export type Role = (typeof roles)[number];

export function isRole(s: string): s is Role {
  return (roles as readonly string[]).includes(s);
}

export interface RunningRole {
  http?: FastifyInstance;
  /** Stops taking work, lets in-flight work finish, closes connections. */
  stop(): Promise<void>;
}

/**
 * Starts one role (or all) on an already booted core. `api` serves HTTP; `workers`
 * consumes queues and runs the outbox relay; `all` does both in one process.
 * `gateway` and `subgraph-*` split the GraphQL graph over processes (gateway/roles.ts).
 */
/** The GraphQL roles touch neither queues nor Redis. */
export function roleNeedsRedis(role: Role): boolean {
  return !isGraphRole(role);
}

export async function startRole(role: Role, core: Core, redisUrl: string | null, log: Logger): Promise<RunningRole> {
  if (isGraphRole(role)) {
    const graph = await buildGraphRoleServer(role, core, log);
    await graph.http.listen({ port: core.config.PORT, host: core.config.HOST });
    return {
      http: graph.http,
      stop: async () => {
        await graph.http.close();
        await graph.stop();
      },
    };
  }
  if (!redisUrl) throw new Error(`role ${role} needs Redis`);
  const producer: Redis = producerConnection(redisUrl);
  producer.on('error', () => undefined); // surfaced by /readyz and by the relay's retries
  const warning = await evictionPolicyWarning(producer);
  if (warning) log.warn(warning);

  const prefix = core.config.REDIS_PREFIX;
  let workers: WorkerRuntime | undefined;
  let relay: OutboxRelay | undefined;
  let wakeups: OutboxWakeupListener | undefined;
  const onPostgres = core.config.databaseKind === 'postgresql';
  if (role === 'all' || role === 'workers') {
    const relayLog = log.child({ component: 'outbox-relay' });
    relay = new OutboxRelay(core, producer, relayLog, {
      pollMs: core.config.OUTBOX_POLL_MS,
      prefix,
      firstAttempts: core.config.CALLBACK_FIRST_ATTEMPTS > 0 ? { limit: core.config.CALLBACK_FIRST_ATTEMPTS } : undefined,
    });
    core.onOutboxCommitted(() => relay!.nudge());
    // A paid order's callback starts from the commit that owes it, without a relay pass.
    core.offerFirstAttempts(relay.firstAttemptHandoff());
    // Work committed by `api` processes wakes this relay at once (they NOTIFY; the CLI does not).
    if (onPostgres) wakeups = new OutboxWakeupListener(core.config.DATABASE_URL, () => relay!.nudge(), relayLog);
    relay.start();
    wakeups?.start();
    workers = new WorkerRuntime(core, redisUrl, prefix, log.child({ component: 'workers' }));
    workers.start();
  }

  let http: FastifyInstance | undefined;
  let stopGraph: (() => Promise<void>) | undefined;
  // An `api` process owes work its relays, elsewhere, would otherwise find at their next poll.
  if (role === 'api' && onPostgres) core.onOutboxCommitted(outboxWakeupSender(core, log.child({ component: 'outbox-wakeup' })));
  // Signed requests keep their opened keys only while this hears of every credential change.
  const credentialChanges =
    (role === 'all' || role === 'api') && onPostgres && core.config.SIGNING_KEY_CACHE_MS > 0
      ? credentialChangeListener(core.config.DATABASE_URL, core.credentials.signingKeys, log.child({ component: 'credential-changes' }))
      : undefined;
  credentialChanges?.start();
  if (role === 'all' || role === 'api') {
    // `all` also serves the federated GraphQL gateway at /graphql, its subgraphs in memory.
    const graph = role === 'all' ? await inProcessGateway(core, log) : undefined;
    http = await buildHttpServer({ core, redis: producer, readiness: graph?.readiness });
    await graph?.register(http);
    stopGraph = graph?.stop;
    await http.listen({ port: core.config.PORT, host: core.config.HOST });
  }

  return {
    http,
    stop: async () => {
      await http?.close();
      await stopGraph?.();
      await wakeups?.stop();
      await credentialChanges?.stop();
      core.credentials.signingKeys.deaf();
      core.offerFirstAttempts(null);
      await relay?.stop();
      await workers?.close();
      producer.disconnect();
    },
  };
}
