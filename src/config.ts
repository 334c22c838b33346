import { createHash } from 'node:crypto';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

// The whole environment, parsed once at start. Nothing else in Matterline reads process.env.

const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((value) => value === '1' || value === 'true' || value === 'yes');

const postgresUrl = z
  .string()
  .url()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), 'a postgres:// or postgresql:// URL');

const redisUrl = z
  .string()
  .url()
  .refine((value) => /^rediss?:\/\//.test(value), 'a redis:// or rediss:// URL');

const secretKey = z
  .string()
  .refine(
    (value) => Buffer.from(value, 'base64').length === 32 || /^[0-9a-f]{64}$/i.test(value),
    '32 bytes, as 64 hex digits or base64',
  );

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: postgresUrl.optional(),
  REDIS_URL: redisUrl.optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MATTERLINE_DATA_DIR: z.string().min(1).default('.data'),
  MATTERLINE_SECRET_KEY: secretKey.optional(),
  MATTERLINE_DEMO_PASSWORD: z.string().min(8, 'at least 8 characters').optional(),
  // Both default to on only on the embedded database (the zero-config demo); off whenever DATABASE_URL is set.
  MATTERLINE_SEED_DEMO: booleanFlag.optional(),
  MATTERLINE_SIMULATOR: z.enum(['on', 'off']).optional(),
  // Hosts or CIDRs that the guarded fetcher may reach although they are private (tests, providers on a private net).
  MATTERLINE_FETCH_ALLOW: z
    .string()
    .optional()
    .superRefine((value, context) => {
      for (const problem of fetchAllowProblems(value)) context.addIssue({ code: 'custom', message: problem });
    }),
  // Proxies whose X-Forwarded-For is believed: "loopback", addresses or CIDRs, comma-separated; default none.
  MATTERLINE_TRUST_PROXY: z
    .string()
    .optional()
    .superRefine((value, context) => {
      for (const problem of trustProxyProblems(value)) context.addIssue({ code: 'custom', message: problem });
    }),
  // Unset: 54329, or another free port when that one is held by another data folder's server (remembered in the folder).
  MATTERLINE_EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  // auto: Redis when REDIS_URL is set or Redis answers on localhost:6379, else BullMQ's PostgreSQL backend.
  MATTERLINE_QUEUE_BACKEND: z.enum(['auto', 'redis', 'postgres']).default('auto'),
  // Unset: derived from the database, so two instances on one Redis never take each other's jobs.
  MATTERLINE_QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,40}$/, 'lower-case letters, digits and _, starting with a letter')
    .optional(),
  MATTERLINE_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
  MATTERLINE_ACCOUNT_SUPERVISOR_MS: z.coerce.number().int().min(100).default(5000),
  // Connections each process may hold in its main pool (PostgreSQL's max_connections is shared by every process).
  MATTERLINE_DB_POOL_MAX: z.coerce.number().int().min(2).max(500).default(20),
  MATTERLINE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  // Capture batches committed at once (group commit); each holds one connection of the pool while it commits.
  MATTERLINE_CAPTURE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  // Which parts this process runs: all (the single-machine default), server only, or workers only.
  MATTERLINE_ROLE: z.enum(['all', 'server', 'worker']).default('all'),
  MATTERLINE_SIMULATOR_RECEIPT_MS: z.coerce.number().int().min(0).default(400),
  // A bearer token for the diagnostic endpoints (/metrics, /readyz) besides an admin's session; for Prometheus.
  MATTERLINE_METRICS_TOKEN: z.string().min(24, 'at least 24 characters').optional(),
  // Outbound webhooks: the first retry after this long, doubling up to an hour; failed for good after max attempts.
  MATTERLINE_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(50).default(10_000),
  MATTERLINE_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(12),
  MATTERLINE_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  env: RawConfig['NODE_ENV'];
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  host: string;
  port: number;
  publicUrl: string | undefined;
  logLevel: RawConfig['LOG_LEVEL'];
  dataDir: string;
  secretKey: Buffer | undefined;
  demoPassword: string | undefined;
  seedDemo: boolean;
  /** The demo simulator's routes and accounts: on by default only on the embedded database. */
  simulator: boolean;
  /** Hosts and CIDRs the guarded fetcher may reach although private or loopback. */
  fetchAllow: string[];
  /** Proxies trusted for X-Forwarded-For (express's "trust proxy" list); empty: none. */
  trustProxy: string[];
  /** Set: exactly this port, refused when another data folder's server holds it. Unset: 54329 or a free one. */
  embeddedPgPort: number | undefined;
  queueBackend: RawConfig['MATTERLINE_QUEUE_BACKEND'];
  /** As configured; queuePrefixFor() gives the one in force (derived from the database when unset). */
  queuePrefix: string | undefined;
  sweepIntervalMs: number;
  workerConcurrency: number;
  captureConcurrency: number;
  dbPoolMax: number;
  accountSupervisorMs: number;
  role: RawConfig['MATTERLINE_ROLE'];
  simulatorReceiptMs: number;
  metricsToken: string | undefined;
  webhookRetryBaseMs: number;
  webhookMaxAttempts: number;
  webhookTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Matterline cannot start: bad configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function listOf(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function fetchAllowProblems(value: string | undefined): string[] {
  return listOf(value)
    .filter((item) => !isCidrOrAddress(item) && !/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i.test(item))
    .map((item) => `"${item}" is neither a host name, an IP address nor a CIDR range`);
}

function trustProxyProblems(value: string | undefined): string[] {
  return listOf(value)
    .filter((item) => !['loopback', 'linklocal', 'uniquelocal'].includes(item) && !isCidrOrAddress(item))
    .map((item) => `"${item}" is neither loopback, linklocal, uniquelocal, an IP address nor a CIDR range`);
}

function isCidrOrAddress(item: string): boolean {
  if (ipaddr.isValid(item)) return true;
  try {
    ipaddr.parseCIDR(item);
    return true;
  } catch {
    return false;
  }
}

function decodeKey(value: string): Buffer {
  return /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
}

/** Parses the environment; throws ConfigError naming every bad variable and what it expects. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set", as in most deployment tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    // One line per variable, with everything that is wrong with it.
    const byVariable = new Map<string, string[]>();
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.') || '(environment)';
      byVariable.set(name, [...(byVariable.get(name) ?? []), issue.message]);
    }
    throw new ConfigError([...byVariable].map(([name, messages]) => `${name}: ${messages.join('; ')}`));
  }
  const raw = parsed.data;
  return {
    env: raw.NODE_ENV,
    databaseUrl: raw.DATABASE_URL,
    redisUrl: raw.REDIS_URL,
    host: raw.HOST,
    port: raw.PORT,
    publicUrl: raw.PUBLIC_URL,
    logLevel: raw.LOG_LEVEL,
    dataDir: path.resolve(raw.MATTERLINE_DATA_DIR),
    secretKey: raw.MATTERLINE_SECRET_KEY === undefined ? undefined : decodeKey(raw.MATTERLINE_SECRET_KEY),
    demoPassword: raw.MATTERLINE_DEMO_PASSWORD,
    seedDemo: raw.MATTERLINE_SEED_DEMO ?? raw.DATABASE_URL === undefined,
    simulator: (raw.MATTERLINE_SIMULATOR ?? (raw.DATABASE_URL === undefined ? 'on' : 'off')) === 'on',
    fetchAllow: listOf(raw.MATTERLINE_FETCH_ALLOW),
    trustProxy: listOf(raw.MATTERLINE_TRUST_PROXY),
    embeddedPgPort: raw.MATTERLINE_EMBEDDED_PG_PORT,
    queueBackend: raw.MATTERLINE_QUEUE_BACKEND,
    queuePrefix: raw.MATTERLINE_QUEUE_PREFIX,
    sweepIntervalMs: raw.MATTERLINE_SWEEP_INTERVAL_MS,
    workerConcurrency: raw.MATTERLINE_WORKER_CONCURRENCY,
    captureConcurrency: raw.MATTERLINE_CAPTURE_CONCURRENCY,
    dbPoolMax: raw.MATTERLINE_DB_POOL_MAX,
    accountSupervisorMs: raw.MATTERLINE_ACCOUNT_SUPERVISOR_MS,
    role: raw.MATTERLINE_ROLE,
    simulatorReceiptMs: raw.MATTERLINE_SIMULATOR_RECEIPT_MS,
    metricsToken: raw.MATTERLINE_METRICS_TOKEN,
    webhookRetryBaseMs: raw.MATTERLINE_WEBHOOK_RETRY_BASE_MS,
    webhookMaxAttempts: raw.MATTERLINE_WEBHOOK_MAX_ATTEMPTS,
    webhookTimeoutMs: raw.MATTERLINE_WEBHOOK_TIMEOUT_MS,
  };
}

/**
 * The queue prefix in force: the configured one, else one derived from the database (its host, port and name), so
 * that two instances sharing a Redis but not a database never take each other's jobs, and every process of one
 * instance (servers, workers, the CLI) agrees without being told.
 */
export function queuePrefixFor(configured: string | undefined, databaseUrl: string): string {
  if (configured) return configured;
  let identity = databaseUrl;
  try {
    const url = new URL(databaseUrl);
    identity = `${url.hostname.toLowerCase()}:${url.port || '5432'}/${decodeURIComponent(url.pathname.slice(1))}`;
  } catch {
    // config.ts accepted the URL; keep the whole string otherwise.
  }
  return `ml_${createHash('sha256').update(identity).digest('hex').slice(0, 12)}`;
}
