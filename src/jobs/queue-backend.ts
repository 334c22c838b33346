import type { ConnectionOptions, JobsOptions, Processor, WorkerOptions } from 'bullmq';
import { Queue, Worker, createPostgresBackend, withBackend } from 'bullmq';
import { Redis } from 'ioredis';

// BullMQ on Redis (production and scale) or on its PostgreSQL backend (the embedded single-machine default). The
// rest of Matterline sees one QueueBackend and never which one it is.

export type QueueBackendKind = 'redis' | 'postgres';

/** One job of an addBulk call. */
export type BulkJob = { name: string; data: unknown; opts: JobsOptions };

export interface QueueHandle {
  add(name: string, data: unknown, opts: JobsOptions): Promise<unknown>;
  addBulk(jobs: BulkJob[]): Promise<unknown>;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface WorkerHandle {
  on(event: 'failed', listener: (job: { id?: string; data: unknown; attemptsMade: number } | undefined, error: Error) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(force?: boolean): Promise<void>;
}

export interface QueueBackend {
  kind: QueueBackendKind;
  /** Queue names carry the prefix, so tests and firms sharing a Redis or database never see each other's jobs. */
  queueName(base: string): string;
  queue(base: string): QueueHandle;
  /**
   * A worker on the queue. `limiter` is BullMQ's rate limiter: at most `max` jobs per `duration` ms for the whole
   * queue, however many workers and processes consume it (kept in Redis, or in PostgreSQL).
   */
  worker(base: string, processor: Processor, options: WorkerLimits): WorkerHandle;
  close(): Promise<void>;
}

export interface WorkerLimits {
  concurrency: number;
  limiter?: { max: number; duration: number };
}

export interface CreateQueueBackendOptions {
  kind: QueueBackendKind;
  prefix: string;
  redisUrl?: string;
  databaseUrl?: string;
}

// A crashed worker's active jobs are taken back after its lock lapses. The lock is renewed every lockDuration / 2
// while a job runs, so only a dead (or frozen for 10 s) worker loses it.
const recovery = { lockDuration: 10_000, stalledInterval: 5_000 } as const;

export function createQueueBackend(options: CreateQueueBackendOptions): QueueBackend {
  return options.kind === 'redis' ? redisBackend(options) : postgresBackend(options);
}

function redisBackend(options: CreateQueueBackendOptions): QueueBackend {
  const url = options.redisUrl ?? 'redis://127.0.0.1:6379';
  const owned: { close(): Promise<unknown> }[] = [];
  // Producers fail fast while Redis is away (the outbox sweeper re-queues); workers wait for it to come back.
  const producer = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
  producer.on('error', () => undefined);
  const queues = new Map<string, Queue>();
  return {
    kind: 'redis',
    queueName: (base) => `${options.prefix}-${base}`,
    queue(base) {
      const name = `${options.prefix}-${base}`;
      let queue = queues.get(name);
      if (!queue) {
        queue = new Queue(name, { connection: producer as unknown as ConnectionOptions });
        queue.on('error', () => undefined);
        queues.set(name, queue);
      }
      return queue as unknown as QueueHandle;
    },
    worker(base, processor, workerOptions) {
      const connection = new Redis(url, { maxRetriesPerRequest: null });
      connection.on('error', () => undefined);
      const worker = new Worker(`${options.prefix}-${base}`, processor, {
        connection: connection as unknown as ConnectionOptions,
        concurrency: workerOptions.concurrency,
        ...(workerOptions.limiter ? { limiter: workerOptions.limiter } : {}),
        ...recovery,
      } satisfies WorkerOptions);
      owned.push({ close: async () => connection.quit().catch(() => connection.disconnect()) });
      return worker as unknown as WorkerHandle;
    },
    async close() {
      for (const queue of queues.values()) await queue.close().catch(() => undefined);
      for (const item of owned) await item.close().catch(() => undefined);
      await producer.quit().catch(() => producer.disconnect());
    },
  };
}

function postgresBackend(options: CreateQueueBackendOptions): QueueBackend {
  if (!options.databaseUrl) throw new Error('the PostgreSQL queue backend needs a database URL');
  const { Queue: PgQueue, Worker: PgWorker } = withBackend(createPostgresBackend);
  const connection = { connectionString: options.databaseUrl, schema: 'bullmq', migrate: true, max: 4 };
  const queues = new Map<string, InstanceType<typeof PgQueue>>();
  return {
    kind: 'postgres',
    queueName: (base) => `${options.prefix}-${base}`,
    queue(base) {
      const name = `${options.prefix}-${base}`;
      let queue = queues.get(name);
      if (!queue) {
        queue = new PgQueue(name, { connection });
        queue.on('error', () => undefined);
        queues.set(name, queue);
      }
      return queue as unknown as QueueHandle;
    },
    worker(base, processor, workerOptions) {
      return new PgWorker(`${options.prefix}-${base}`, processor, {
        connection,
        concurrency: workerOptions.concurrency,
        ...(workerOptions.limiter ? { limiter: workerOptions.limiter } : {}),
        ...recovery,
      }) as unknown as WorkerHandle;
    },
    async close() {
      for (const queue of queues.values()) await queue.close().catch(() => undefined);
    },
  };
}

/** True when a Redis answers PING at url within timeoutMs. */
export async function redisAnswers(url: string, timeoutMs = 500): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: timeoutMs, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
