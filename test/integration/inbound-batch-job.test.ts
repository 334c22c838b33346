import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptureBatcher } from '../../src/core/capture-batcher.js';
import { asAccountId, asProviderMessageId } from '../../src/core/ids.js';
import { demoAccountId } from '../../src/core/seed-demo-firm.js';
import { createJobDispatcher } from '../../src/jobs/job-dispatcher.js';
import { createQueueBackend } from '../../src/jobs/queue-backend.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, uniquePrefix, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

// Messages captured together are queued as one BullMQ job (one Redis round trip for the server, one job for the
// worker), while each keeps its own outbox row and is processed exactly once.
describe('inbound jobs of a capture batch', () => {
  let database: TestDatabase;
  let server: RunningMatterline;
  let worker: RunningMatterline | undefined;
  const prefix = uniquePrefix();
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });

  beforeAll(async () => {
    database = await createTestDatabase();
    // The server alone first: what it queues stays in Redis to be looked at.
    server = await startTestMatterline({ databaseUrl: database.url, queue: 'redis', prefix, role: 'server' });
  });
  afterAll(async () => {
    await worker?.stop();
    await server?.stop();
    await database?.drop();
    redis.disconnect();
  });

  it('queues 40 messages captured together as far fewer jobs, each message in exactly one, all processed once', async () => {
    // The server's composition (capture batcher, job dispatcher on Redis) with one commit at a time: the first
    // capture commits alone, the 39 submitted meanwhile share the next commit and so one job.
    const backend = createQueueBackend({ kind: 'redis', prefix, redisUrl: 'redis://127.0.0.1:6379' });
    const batcher = createCaptureBatcher({ db: server.db, dispatcher: createJobDispatcher({ backend }), maxConcurrent: 1 });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        batcher.capture([
          {
            kind: 'message',
            accountId: asAccountId(demoAccountId),
            providerMessageId: asProviderMessageId(`batch-job-${prefix}-${i}`),
            direction: 'inbound',
            chat: { externalId: i % 2 ? '+15550100001' : '+15550100002', kind: 'direct' },
            contact: { address: i % 2 ? '+15550100001' : '+15550100002' },
            messageKind: 'text',
            text: `batch job ${i}`,
            sentAt: new Date(),
            raw: {},
          },
        ]),
      ),
    );
    await batcher.drain();
    await backend.close();
    const posted = results.map(([result]) => result!.messageId as string);
    const queue = new Queue(`${prefix}-inbound`, { connection: redis });
    let carried: string[] = [];
    let jobs = 0;
    await waitFor(
      async () => {
        const waiting = await queue.getJobs(['waiting', 'prioritized', 'delayed']);
        jobs = waiting.length;
        carried = waiting.flatMap((job) => {
          const data = job.data as { messageId?: string; messageIds?: string[] };
          return data.messageIds ?? (data.messageId ? [data.messageId] : []);
        });
        return carried.length >= posted.length;
      },
      { what: 'the inbound jobs to be queued' },
    );
    expect([...carried].sort()).toEqual([...posted].sort());
    expect(jobs).toBe(2);
    await queue.close();

    worker = await startTestMatterline({ databaseUrl: database.url, queue: 'redis', prefix, role: 'worker' });
    const jobIds = posted.map((id) => `inbound-${id}`);
    await waitFor(
      async () =>
        (await server.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = ANY($1)`, [jobIds])).rowCount === posted.length,
      { what: 'every message to be processed' },
    );
    const processed = await server.db.pool.query(`SELECT "jobId" FROM "ProcessedJob" WHERE "jobId" = ANY($1)`, [jobIds]);
    expect(processed.rowCount).toBe(posted.length);
    // Their outbox rows went with the processing: nothing is left to do.
    expect((await server.db.pool.query(`SELECT 1 FROM "Outbox" WHERE "jobId" = ANY($1)`, [jobIds])).rowCount).toBe(0);
  });
});
