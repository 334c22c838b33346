import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptureBatcher } from '../../src/core/capture-batcher.js';
import { AppError } from '../../src/core/errors.js';
import type { MessageEvent } from '../../src/core/events.js';
import { asAccountId, asProviderMessageId } from '../../src/core/ids.js';
import type { LiveEvent, OutboxJob } from '../../src/core/ports.js';
import { demoAccountId } from '../../src/core/seed-demo-firm.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

// Group commit: captures that arrive while a commit is under way share the next one, and still each get their own
// answer, their own jobs and their own errors.
describe('the capture batcher', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  const queued: OutboxJob[] = [];
  const published: LiveEvent[] = [];
  const dispatcher = { dispatch: async (jobs: readonly OutboxJob[]) => void queued.push(...jobs) };
  const live = { publish: async (event: LiveEvent) => void published.push(event) };

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis', role: 'server' });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  let serial = 0;
  const message = (from: string, text: string, overrides: Partial<MessageEvent> = {}): MessageEvent => ({
    kind: 'message',
    accountId: asAccountId(demoAccountId),
    providerMessageId: asProviderMessageId(`batch-${Date.now()}-${serial++}`),
    direction: 'inbound',
    chat: { externalId: from, kind: 'direct' },
    contact: { address: from },
    messageKind: 'text',
    text,
    sentAt: new Date(),
    raw: { text },
    ...overrides,
  });

  it('queues the jobs of commits that end close together as one dispatch, and drain waits for it', async () => {
    const dispatches: number[] = [];
    const counting = { dispatch: async (jobs: readonly OutboxJob[]) => void dispatches.push(jobs.length) };
    // Four commits at once (one capture each, four connections), their jobs held a second for the others: long enough
    // that all four end within it on a busy CI machine (50 ms was not, once).
    const batcher = createCaptureBatcher({ db: app.db, dispatcher: counting, maxConcurrent: 4, dispatchDelayMs: 1000 });
    const events = Array.from({ length: 4 }, (_, i) => message(`+1555987100${i}`, `together ${i}`));
    const results = await Promise.all(events.map((event) => batcher.capture([event])));
    const commits = await app.db.pool.query<{ n: number }>(`SELECT count(DISTINCT xmin::text)::int AS n FROM "Message" WHERE id = ANY($1)`, [results.map(([r]) => r!.messageId)]);
    expect(commits.rows[0]!.n).toBeGreaterThan(1);
    // Answered before anything was queued; drain() waits for the queueing too.
    expect(dispatches).toEqual([]);
    await batcher.drain();
    expect(dispatches).toEqual([4]);
  });

  it('stores 60 simultaneous captures in far fewer commits than messages, each once, in order, with its job', async () => {
    const batcher = createCaptureBatcher({ db: app.db, dispatcher, live, maxConcurrent: 1 });
    const from = '+15559870001';
    const events = Array.from({ length: 60 }, (_, i) => message(from, `part ${i}`));
    const results = await Promise.all(events.map((event) => batcher.capture([event])));
    await batcher.drain();

    const ids = results.map(([result]) => result!.messageId);
    expect(new Set(ids).size).toBe(60);
    const stored = await app.db.pool.query<{ text: string; commits: string }>(
      `SELECT text, xmin::text AS commits FROM "Message" WHERE id = ANY($1) ORDER BY "capturedAt", id`,
      [ids],
    );
    // The first capture commits alone at once; the 59 that arrived meanwhile share the next commit.
    expect(new Set(stored.rows.map((row) => row.commits)).size).toBe(2);
    expect(stored.rows.map((row) => row.text)).toEqual(events.map((event) => event.text));
    const conversations = await app.db.pool.query(`SELECT DISTINCT "conversationId" FROM "Message" WHERE id = ANY($1)`, [ids]);
    expect(conversations.rowCount).toBe(1);
    expect(queued.filter((job) => ids.includes(job.payload.messageId as never)).map((job) => job.jobId).sort()).toEqual(
      ids.map((id) => `inbound-${id}`).sort(),
    );
    const outbox = await app.db.pool.query(`SELECT "jobId" FROM "Outbox" WHERE "jobId" = ANY($1)`, [ids.map((id) => `inbound-${id}`)]);
    expect(outbox.rowCount).toBe(60);
    expect(published.filter((event) => 'messageId' in event && ids.includes(event.messageId as never))).toHaveLength(60);
  });

  it('shares a burst among its commit slots: several commits run at once, none larger than its share', async () => {
    const batcher = createCaptureBatcher({ db: app.db, dispatcher, maxConcurrent: 4 });
    const events = Array.from({ length: 400 }, (_, i) => message(`+1555988${String(i % 50).padStart(4, '0')}`, `burst ${i}`));
    const results = await Promise.all(events.map((event) => batcher.capture([event])));
    const commits = await app.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Message" WHERE id = ANY($1) GROUP BY xmin::text ORDER BY 1 DESC`,
      [results.map(([result]) => result!.messageId)],
    );
    const sizes = commits.rows.map((row) => row.n);
    expect(sizes.reduce((sum, n) => sum + n, 0)).toBe(400);
    // The four that arrived first commit alone; the 396 waiting are split, a quarter of what waits at most each.
    expect(sizes[0]).toBeLessThanOrEqual(99);
    expect(sizes.length).toBeGreaterThanOrEqual(8);
  });

  it('gives a bad event its own error and still stores the others of its commit', async () => {
    const batcher = createCaptureBatcher({ db: app.db, dispatcher, live, maxConcurrent: 1 });
    const warmUp = batcher.capture([message('+15559870002', 'first')]);
    const good = message('+15559870003', 'good');
    const bad = message('+15559870004', 'to nowhere', { accountId: asAccountId('no-such-account') });
    const alsoGood = message('+15559870005', 'also good');
    const outcomes = await Promise.allSettled([warmUp, batcher.capture([good]), batcher.capture([bad]), batcher.capture([alsoGood])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const failure = (outcomes[2] as PromiseRejectedResult).reason as unknown;
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('not_found');
    const stored = await app.db.pool.query(`SELECT "providerMessageId" FROM "Message" WHERE "providerMessageId" = ANY($1)`, [
      [good.providerMessageId, bad.providerMessageId, alsoGood.providerMessageId],
    ]);
    expect(stored.rows.map((row: { providerMessageId: string }) => row.providerMessageId).sort()).toEqual(
      [good.providerMessageId, alsoGood.providerMessageId].sort(),
    );
  });

  it('falls back to one commit per event when the batch as a whole fails, so one unstorable event keeps only itself out', async () => {
    const batcher = createCaptureBatcher({ db: app.db, dispatcher, maxConcurrent: 1 });
    const warmUp = batcher.capture([message('+15559870006', 'first')]);
    const good = message('+15559870007', 'good');
    // Valid JSON that PostgreSQL's text type refuses: the statement fails for the whole batch.
    const unstorable = message('+15559870008', 'nul \u0000 inside');
    const outcomes = await Promise.allSettled([warmUp, batcher.capture([good]), batcher.capture([unstorable])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    const stored = await app.db.pool.query(`SELECT 1 FROM "Message" WHERE "providerMessageId" = ANY($1)`, [
      [good.providerMessageId, unstorable.providerMessageId],
    ]);
    expect(stored.rowCount).toBe(1);
  });

  it('stores a provider id seen twice in one commit once, and answers the second as a duplicate', async () => {
    const batcher = createCaptureBatcher({ db: app.db, dispatcher, maxConcurrent: 1 });
    const event = message('+15559870009', 'twice');
    const [first, second] = await batcher.capture([event, { ...event }]);
    expect(first!.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, messageId: first!.messageId });
    const again = await batcher.capture([{ ...event }]);
    expect(again[0]).toMatchObject({ duplicate: true, messageId: first!.messageId });
    const outbox = await app.db.pool.query(`SELECT 1 FROM "Outbox" WHERE "jobId" = $1`, [`inbound-${first!.messageId}`]);
    expect(outbox.rowCount).toBe(1);
  });

  it('records edits and deletions on their target, and media without bytes as fetch jobs', async () => {
    const batcher = createCaptureBatcher({ db: app.db, dispatcher, maxConcurrent: 1 });
    const from = '+15559870010';
    const original = message(from, 'see you at 3');
    const edit = message(from, 'see you at 4', { messageKind: 'edit', relatesToProviderId: original.providerMessageId });
    const photo = message(from, 'the lease', {
      messageKind: 'image',
      media: [{ mimeType: 'image/jpeg', providerMediaId: 'media-123', fileName: 'lease.jpg' }],
    });
    const results = await batcher.capture([original, edit, photo]);
    const target = await app.db.pool.query(`SELECT "editedText" FROM "Message" WHERE id = $1`, [results[0]!.messageId]);
    expect(target.rows[0]).toEqual({ editedText: 'see you at 4' });
    const attachment = await app.db.pool.query<{ id: string; state: string; fileName: string }>(
      `SELECT id, state, "fileName" FROM "Attachment" WHERE "messageId" = $1`,
      [results[2]!.messageId],
    );
    expect(attachment.rows).toEqual([expect.objectContaining({ state: 'pending', fileName: 'lease.jpg' })]);
    await batcher.drain();
    expect(queued.map((job) => job.jobId)).toContain(`media-${attachment.rows[0]!.id}`);
  });
});
