import { z } from 'zod';

/**
 * Every setting paymesh reads, validated once at start. The README's configuration
 * table is generated from the same descriptions, so the two cannot drift apart.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce.number({ invalid_type_error: 'must be a whole number' }).int().positive();

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number({ invalid_type_error: 'must be a port number (0–65535)' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:|file:)/, 'must start with postgres://, sqlite: or file:')
    .default('sqlite:./data/paymesh.db'),
  DATABASE_POOL_SIZE: positiveInt.max(1000).default(10),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  REDIS_PREFIX: z.string().min(1).default('paymesh'),
  SECRET_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters (32 bytes)')
    .optional(),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SUBGRAPH_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SUBGRAPH_MERCHANTS_URL: z.string().url().optional(),
  SUBGRAPH_ORDERS_URL: z.string().url().optional(),
  SUBGRAPH_CONFIGS_URL: z.string().url().optional(),
  SUBGRAPH_TIMEOUT_MS: positiveInt.min(100).default(10_000),
  GRAPHQL_MAX_DEPTH: positiveInt.default(10),
  GRAPHQL_MAX_COST: positiveInt.default(5000),
  PUBLIC_BASE_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REST_ADAPTERS: z.string().default('all'),
  SANDBOX_CHANNEL: bool.optional(),
  CALLBACK_ALLOW_LOOPBACK: bool.optional(),
  CALLBACK_TIMEOUT_MS: positiveInt.default(5000),
  CALLBACK_RETRY_SCALE: z.coerce.number().min(0).max(1000).default(1),
  CALLBACK_LOCK_MS: positiveInt.default(30_000),
  CALLBACK_FIRST_ATTEMPTS: z.coerce.number({ invalid_type_error: 'must be a whole number' }).int().min(0).max(10_000).default(128),
  PAYIN_EXPIRY_SECONDS: positiveInt.default(900),
  REPORT_TIMESTAMP_WINDOW_SECONDS: positiveInt.default(600),
  REPORT_EXPIRED_GRACE_SECONDS: z.coerce.number().int().min(0).default(120),
  SIGNING_KEY_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  REPORT_TRANSACTIONS: positiveInt.max(1000).default(4),
  REPORT_GROUP_SIZE: positiveInt.max(256).default(32),
  HEARTBEAT_OFFLINE_SECONDS: positiveInt.default(180),
  AMOUNT_STEP_COUNT: z.coerce.number().int().min(0).max(500).default(50),
  AMOUNT_STEP_DIRECTION: z.enum(['down', 'up', 'both']).default('down'),
  OUTBOX_POLL_MS: positiveInt.default(200),
  SHUTDOWN_GRACE_MS: positiveInt.default(4000),
});

export type RawConfig = z.infer<typeof configSchema>;

/** Derived, ready-to-use configuration; defaults that depend on NODE_ENV are resolved here. */
export interface Config extends Omit<RawConfig, 'SANDBOX_CHANNEL' | 'CALLBACK_ALLOW_LOOPBACK'> {
  SANDBOX_CHANNEL: boolean;
  CALLBACK_ALLOW_LOOPBACK: boolean;
  databaseKind: 'postgresql' | 'sqlite';
}

export const configDescriptions: Record<keyof RawConfig, string> = {
  NODE_ENV: '`development`, `test` or `production`; production requires SECRET_KEY and turns the sandbox off',
  PORT: 'HTTP port shared by REST adapters, `/graphql`, the cashier page and health checks',
  HOST: 'interface to listen on',
  DATABASE_URL: '`sqlite:./path.db` (embedded default) or `postgres://user@host:5432/db`',
  DATABASE_POOL_SIZE: 'PostgreSQL connections per process; a serving role opens them all at start and keeps them open (SQLite: always one)',
  REDIS_URL: 'Redis for queues; unset: 127.0.0.1:6379, or a private `redis-server` under `./data/` when none answers',
  REDIS_PREFIX: 'key prefix of every BullMQ queue (lets several installations share one Redis)',
  SECRET_KEY: 'AES-256-GCM key (64 hex) encrypting secrets at rest; unset outside production: generated once into `./data/secret.key`',
  ADMIN_TOKEN: 'bearer token of the admin console (GraphQL); unset: admin GraphQL access is off',
  SUBGRAPH_SECRET: 'shared secret the gateway sends to subgraphs run as separate roles (required by the `gateway` and `subgraph-*` roles)',
  SUBGRAPH_MERCHANTS_URL: 'role `gateway`: URL of the merchants subgraph (`http://host:port/graphql` of a `subgraph-merchants` role)',
  SUBGRAPH_ORDERS_URL: 'role `gateway`: URL of the orders subgraph (a `subgraph-orders` role)',
  SUBGRAPH_CONFIGS_URL: 'role `gateway`: URL of the configs subgraph (a `subgraph-configs` role)',
  SUBGRAPH_TIMEOUT_MS: 'role `gateway`: longest wait for one subgraph call (connect, request, whole reply), in ms, at least 100; its fields then answer `UNAVAILABLE`',
  GRAPHQL_MAX_DEPTH: 'deepest field nesting a GraphQL operation may have (answered `QUERY_TOO_DEEP`)',
  GRAPHQL_MAX_COST: 'highest estimated cost of a GraphQL operation, list sizes (`first`) multiplied in (answered `QUERY_TOO_COSTLY`)',
  PUBLIC_BASE_URL: 'absolute URL of this server, used where a document needs one (QR links)',
  LOG_LEVEL: 'pino log level',
  REST_ADAPTERS: 'comma-separated REST dialects to mount (`all`, or e.g. `doc000,doc004`)',
  SANDBOX_CHANNEL: 'sandbox payment channel; default on, off when NODE_ENV=production',
  CALLBACK_ALLOW_LOOPBACK: 'allow callbacks to loopback/private hosts (tests, dev; link-local/metadata addresses stay refused); default on outside production',
  CALLBACK_TIMEOUT_MS: 'timeout of one callback attempt (DNS, connect, reply), in ms',
  CALLBACK_RETRY_SCALE: 'multiplies every callback retry delay (1 = the documented schedule; tests use e.g. 0.001, operators may stretch it)',
  CALLBACK_LOCK_MS: 'BullMQ lock of a callback job; a delivery whose worker died is resumed by another worker after about twice this long (a first attempt: after this long and the next outbox sweep)',
  CALLBACK_FIRST_ATTEMPTS: 'callback first-attempt requests the outbox relay makes at once itself, without a BullMQ job, claiming up to half as many more ahead (retries are BullMQ jobs, or the relay\'s while Redis is unreachable); 0: every attempt is a BullMQ job',
  PAYIN_EXPIRY_SECONDS: 'a pending pay-in expires after this long',
  REPORT_TIMESTAMP_WINDOW_SECONDS: 'allowed clock skew of signed monitor reports (document 000)',
  REPORT_EXPIRED_GRACE_SECONDS: 'a monitor report may still pay an order expired this recently',
  SIGNING_KEY_CACHE_MS: 'PostgreSQL: longest a serving process keeps an opened merchant report key between requests; kept only while it LISTENs for credential and merchant-status changes (a change applies when its commit is notified), so this bounds only what a silently dead LISTEN connection could leave stale; 0: read the key for every request',
  REPORT_TRANSACTIONS: 'PostgreSQL: monitor-report transactions a process keeps open at once; reports arriving while all are open share the next one (group commit)',
  REPORT_GROUP_SIZE: 'PostgreSQL: most monitor reports one transaction carries; 1 gives every report its own transaction',
  HEARTBEAT_OFFLINE_SECONDS: 'a monitor client silent this long is marked offline',
  AMOUNT_STEP_COUNT: 'how many 1-fen steps the monitor channel tries to make an amount unique',
  AMOUNT_STEP_DIRECTION: '`down`, `up` or `both`: direction of those steps',
  OUTBOX_POLL_MS: 'how often the outbox relay looks for committed rows it was not told of (its own process tells it at once; on PostgreSQL so do `api` processes, by NOTIFY)',
  SHUTDOWN_GRACE_MS: 'SIGTERM: time allowed to drain HTTP and workers',
};

export class ConfigError extends Error {}

/** Validates the environment; throws ConfigError with one readable line per bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(configSchema.shape)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const raw = parsed.data;
  const production = raw.NODE_ENV === 'production';
  if (production && !raw.SECRET_KEY) {
    throw new ConfigError('invalid configuration: SECRET_KEY is required when NODE_ENV=production');
  }
  return {
    ...raw,
    SANDBOX_CHANNEL: raw.SANDBOX_CHANNEL ?? !production,
    CALLBACK_ALLOW_LOOPBACK: raw.CALLBACK_ALLOW_LOOPBACK ?? !production,
    databaseKind: raw.DATABASE_URL.startsWith('postgres') ? 'postgresql' : 'sqlite',
  };
}
