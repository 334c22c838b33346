import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { Express } from 'express';
import path from 'node:path';
import type { Logger } from 'pino';
import { BridgeRegistry } from '../bridges/bridge-registry.js';
import type { Config } from '../config.js';
import { queuePrefixFor } from '../config.js';
import type { BridgeEvent } from '../core/bridge-events.js';
import { postgresCredentialStoreFactory } from '../core/credentials/postgres-credential-store.js';
import { createKeyring } from '../core/crypto/secret-box.js';
import { createCaptureBatcher } from '../core/capture-batcher.js';
import { recordBridgeEvent } from '../core/record-bridge-event.js';
import { sealTotpSecrets } from '../core/auth/totp-credential.js';
import { seedDemoFirm } from '../core/seed-demo-firm.js';
import { createGuardedFetcher } from '../net/guarded-fetch.js';
import { applyMigrations } from '../db/migrate.js';
import type { Database } from '../db/prisma.js';
import { openDatabase } from '../db/prisma.js';
import { createApp } from '../http/app.js';
import { withFastPaths } from '../http/fast-webhook.js';
import { diagnosticsGuard } from '../http/ops/diagnostics-guard.js';
import { createJobDispatcher } from '../jobs/job-dispatcher.js';
import { OutboxSweeper } from '../jobs/outbox-sweeper.js';
import type { QueueBackend, QueueBackendKind } from '../jobs/queue-backend.js';
import { createQueueBackend, redisAnswers } from '../jobs/queue-backend.js';
import type { Workers } from '../jobs/workers.js';
import { startRetentionPurge } from '../jobs/retention-purge-job.js';
import { startNoticeWorkers } from '../jobs/notice-worker.js';
import { startReminderWorker } from '../jobs/reminder-worker.js';
import { fetchWebhookTransport, startWebhookWorker } from '../jobs/webhook-worker.js';
import { startWorkers } from '../jobs/workers.js';
import { AccountSupervisor } from './account-supervisor.js';
import { apiRoutes } from './api-routes.js';
import { postgresAccountLeases, redisAccountLeases } from './leases/account-leases.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { createLiveBus } from './live/live-bus.js';
import type { RouteDependencies } from './route-dependencies.js';
import { webhookRoutes } from './webhook-routes.js';

export interface RunningMatterline {
  config: Config;
  /** The database in use (the embedded server's when DATABASE_URL is unset) and the queue prefix in force. */
  databaseUrl: string;
  queuePrefix: string;
  db: Database;
  backend: QueueBackend;
  registry: BridgeRegistry;
  sweeper: OutboxSweeper | undefined;
  /** The address the HTTP server listens on, when this process serves HTTP. */
  url: string | undefined;
  /** The express app behind it, when this process serves HTTP (test/integration/openapi.test.ts walks its routes). */
  app: Express | undefined;
  demo: { seeded: boolean; password: string | undefined } | undefined;
  /** Stops intake, drains the workers, then closes bridges, queue, database; safe to call twice. */
  stop(): Promise<void>;
}

const localRedis = 'redis://127.0.0.1:6379';

async function chooseQueueBackend(config: Config): Promise<{ kind: QueueBackendKind; redisUrl?: string }> {
  if (config.queueBackend === 'postgres') return { kind: 'postgres' };
  if (config.redisUrl) return { kind: 'redis', redisUrl: config.redisUrl };
  if (config.queueBackend === 'redis') return { kind: 'redis', redisUrl: localRedis };
  return (await redisAnswers(localRedis)) ? { kind: 'redis', redisUrl: localRedis } : { kind: 'postgres' };
}

/**
 * The key that encrypts channel credentials at rest: MATTERLINE_SECRET_KEY, else (the single-machine default) one
 * generated on first start and kept beside the embedded database in the data folder.
 */
async function secretKey(config: Config, logger: Logger): Promise<Buffer> {
  if (config.secretKey) return config.secretKey;
  const file = path.join(config.dataDir, 'secret-key');
  if (existsSync(file)) return Buffer.from((await readFile(file, 'utf8')).trim(), 'hex');
  const generated = randomBytes(32);
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(file, `${generated.toString('hex')}\n`, { mode: 0o600 });
  if (config.databaseUrl) {
    logger.warn({ file }, 'MATTERLINE_SECRET_KEY is not set: generated a key in the data folder; set it in production so every process shares it');
  }
  return generated;
}

/** The demo password: the configured one, else one generated on first start and kept in the data folder. */
async function demoPassword(config: Config): Promise<string> {
  if (config.demoPassword) return config.demoPassword;
  const file = path.join(config.dataDir, 'demo-password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const generated = randomBytes(12).toString('base64url');
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(file, `${generated}\n`, { mode: 0o600 });
  return generated;
}

/**
 * Brings Matterline up as the config says: the database (embedded when DATABASE_URL is unset), migrations, the
 * queue backend, the demo firm on an empty database, then the workers and the outbox sweeper (role all/worker) and
 * the HTTP server (role all/server).
 */
export async function startMatterline(config: Config, logger: Logger): Promise<RunningMatterline> {
  const cleanups: (() => Promise<void>)[] = [];
  const runCleanups = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => logger.warn({ err: error }, 'shutdown step failed'));
    cleanups.length = 0;
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, logger });
      cleanups.push(embedded.stop);
      databaseUrl = embedded.url;
    }
    const migrated = await applyMigrations({ databaseUrl });
    if (migrated.appliedMigrationNames.length > 0) logger.info({ migrations: migrated.appliedMigrationNames }, 'migrations applied');

    const queuePrefix = queuePrefixFor(config.queuePrefix, databaseUrl);
    const db = openDatabase({ url: databaseUrl, max: config.dbPoolMax, applicationName: `matterline-${config.role}` });
    cleanups.push(db.close);

    const choice = await chooseQueueBackend(config);
    const backend = createQueueBackend({ kind: choice.kind, prefix: queuePrefix, redisUrl: choice.redisUrl, databaseUrl });
    cleanups.push(() => backend.close());
    logger.info({ queue: choice.kind, prefix: queuePrefix }, `queues on ${choice.kind === 'redis' ? 'Redis' : 'PostgreSQL'}`);

    const live = createLiveBus({ kind: choice.kind, prefix: queuePrefix, redisUrl: choice.redisUrl, databaseUrl, logger });
    cleanups.push(() => live.close());
    const dispatcher = createJobDispatcher({ backend });
    const onDispatchError = (error: unknown) => logger.warn({ err: error }, 'queueing failed; the outbox sweeper will retry');
    const keyring = createKeyring(await secretKey(config, logger));
    // TOTP secrets written before they were sealed are sealed now (every process may do it; each row once).
    const sealedTotp = await sealTotpSecrets(db.pool, keyring);
    if (sealedTotp > 0) logger.info({ users: sealedTotp }, 'TOTP secrets sealed at rest');
    // Group commit of captures: one statement and one commit for the messages that arrive together.
    const batcher = createCaptureBatcher({ db, dispatcher, live, keyring, onDispatchError, maxConcurrent: config.captureConcurrency });
    // Runs after the web server and the bridges stopped (cleanups run in reverse): what they handed over is queued.
    cleanups.push(() => batcher.drain());
    const record = (event: BridgeEvent) => recordBridgeEvent({ db, dispatcher, live, event, onDispatchError, keyring, batcher });
    // Every URL from outside the firm (media, the firm's webhook receivers) is fetched through this guard.
    const fetcher = createGuardedFetcher(config.fetchAllow);
    const registry = new BridgeRegistry({
      db,
      fetcher,
      logger,
      simulatorReceiptMs: config.simulatorReceiptMs,
      record,
      keyring,
      credentials: postgresCredentialStoreFactory(db.pool, keyring),
    });
    cleanups.push(() => registry.stop());

    let demo: RunningMatterline['demo'];
    if (config.seedDemo) {
      const password = await demoPassword(config);
      const seeded = await seedDemoFirm({ prisma: db.prisma, password });
      demo = { seeded: seeded.seeded, password };
    }

    let workers: Workers | undefined;
    let sweeper: OutboxSweeper | undefined;
    if (config.role !== 'server') {
      workers = startWorkers({ db, backend, transport: registry, logger, concurrency: config.workerConcurrency, live, keyring });
      sweeper = new OutboxSweeper({ db, backend, logger, intervalMs: config.sweepIntervalMs });
      await sweeper.start();
      // Stopped before the queue and database close (cleanups run in reverse).
      const started = { workers, sweeper };
      cleanups.push(async () => {
        await started.sweeper.stop();
        await started.workers.stop();
      });
      // Retention and legal hold (issue 7): the scheduled purge of closed matters' expired messages.
      const retention = startRetentionPurge({ db, backend, logger });
      cleanups.push(() => retention.stop());
      // Reminders of matter events, bulk notices, and signed webhooks to the firm's systems.
      const reminders = startReminderWorker({ db, backend, dispatcher, logger, concurrency: config.workerConcurrency });
      cleanups.push(() => reminders.stop());
      const notices = startNoticeWorkers({ db, backend, dispatcher, logger, concurrency: config.workerConcurrency });
      cleanups.push(() => notices.stop());
      const webhooks = startWebhookWorker({
        db,
        backend,
        keyring,
        logger,
        retry: { baseMs: config.webhookRetryBaseMs, maxAttempts: config.webhookMaxAttempts },
        transport: fetchWebhookTransport(config.webhookTimeoutMs, fetcher),
        concurrency: config.workerConcurrency,
      });
      cleanups.push(() => webhooks.stop());
      const leases =
        choice.kind === 'redis'
          ? redisAccountLeases({ url: choice.redisUrl ?? localRedis, prefix: queuePrefix })
          : postgresAccountLeases({ databaseUrl });
      const supervisor = new AccountSupervisor({ db, leases, registry, backend, logger, live, intervalMs: config.accountSupervisorMs });
      await supervisor.start();
      // Runs before the workers stop (cleanups run in reverse): connections close, then the queues drain.
      cleanups.push(() => supervisor.stop());
    }

    let url: string | undefined;
    let app: Express | undefined;
    if (config.role !== 'worker') {
      const routeDependencies: RouteDependencies = { config, db, logger, dispatcher, backend, registry, record, live, keyring };
      const webhooks = webhookRoutes(routeDependencies);
      const served = createApp({
        logger,
        diagnosticsGuard: diagnosticsGuard({ pool: db.pool, metricsToken: config.metricsToken, bearer: true }),
        readiness: [
          { name: 'postgresql', check: async () => void (await db.pool.query('SELECT 1')) },
          { name: `queue (${backend.kind})`, check: async () => void (await backend.queue('inbound').getJobCounts('waiting')) },
          {
            name: 'bridges',
            required: false,
            check: async () => {
              const down = (await registry.states()).filter((s) => !['connected', 'paused'].includes(s.state));
              if (down.length > 0) throw new Error(`not connected: ${down.map((s) => `${s.accountId} (${s.state})`).join(', ')}`);
            },
          },
        ],
        trustProxy: config.trustProxy,
        webhookRouters: webhooks.routers,
        routers: apiRoutes(routeDependencies),
      });
      app = served;
      const server = await new Promise<Server>((resolve, reject) => {
        const listening = createServer(withFastPaths(served, webhooks.fastPaths)).listen(config.port, config.host, () => resolve(listening));
        listening.once('error', reject);
      });
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
      // First in the reverse order: stop taking requests before anything else closes.
      cleanups.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          }),
      );
    }

    let stopping: Promise<void> | undefined;
    return {
      config,
      databaseUrl,
      queuePrefix,
      db,
      backend,
      registry,
      sweeper,
      url,
      app,
      demo,
      stop() {
        stopping ??= runCleanups();
        return stopping;
      },
    };
  } catch (error) {
    await runCleanups();
    throw error;
  }
}
