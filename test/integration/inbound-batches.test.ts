import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { ProcessInboundResult } from '../../src/core/process-inbound.js';
import { processInboundBatch } from '../../src/core/process-inbound.js';
import { isStatementError } from '../../src/core/transaction.js';
import { createJobBatcher } from '../../src/jobs/job-batcher.js';
import { createJobDispatcher } from '../../src/jobs/job-dispatcher.js';
import { useTestMatterline } from '../support/matterline.js';

// The inbound worker hands the jobs it runs at the same time to one batch transaction. Here the messages are captured
// by a server with no worker, then handed to a batcher together, as the worker's jobs would be; real PostgreSQL.
describe('inbound messages processed in batches', () => {
  const matterline = useTestMatterline({ queue: 'redis', role: 'server' });

  const at = '2026-11-18T15:00:00Z'; // a Wednesday, 10:00 in New York: open
  let sequence = 0;
  /** Captures one message and waits for its commit, so messages sent one after another are in capture order. */
  const capture = async (from: string, text: string) => {
    const response = await fetch(`${matterline.app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, text, id: `batch-${++sequence}`, sentAt: at }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  };
  const batcher = (onBatchFailure?: (error: unknown, size: number) => void) =>
    createJobBatcher<string, ProcessInboundResult>({
      maxBatch: 64,
      runBatch: (messageIds) =>
        processInboundBatch({ db: matterline.app.db, dispatcher: createJobDispatcher({ backend: matterline.app.backend }), messageIds }),
      ...(onBatchFailure ? { onBatchFailure } : {}),
    });
  const processedJobs = async (messageIds: string[]) =>
    (
      await matterline.app.db.pool.query<{ jobId: string; processedAt: Date }>(
        `SELECT "jobId", "processedAt" FROM "ProcessedJob" WHERE "jobId" = ANY($1::text[])`,
        [messageIds.map((id) => `inbound-${id}`)],
      )
    ).rows;

  it('decides a contact\'s simultaneous messages in capture order, STOP and YES included, in one commit', async () => {
    const from = '+15558880001';
    const texts = ['Hello', 'I need help with my lease', 'STOP', 'Are you there?', 'YES', 'Thanks'];
    const ids: string[] = [];
    for (const text of texts) ids.push(await capture(from, text));

    // Handed over all at once, newest first: the order of the decisions must still be the order of capture.
    const inbound = batcher();
    const results = await Promise.all([...ids].reverse().map((id) => inbound.submit(id)));
    expect(results.every((result) => result.processed)).toBe(true);

    const jobs = await processedJobs(ids);
    expect(jobs).toHaveLength(ids.length);
    expect(new Set(jobs.map((job) => job.processedAt.getTime())).size).toBe(1);

    const identity = await matterline.app.db.prisma.contactIdentity.findFirstOrThrow({
      where: { address: from },
      include: { consentEvents: { orderBy: { createdAt: 'asc' } } },
    });
    expect(identity.consentState).toBe('opted_in');
    expect(identity.consentEvents.map((event) => [event.fromState, event.toState, event.text])).toEqual([
      ['unknown', 'requested', 'Hello'],
      ['requested', 'opted_out', 'STOP'],
      ['opted_out', 'opted_in', 'YES'],
    ]);
    // STOP cancelled the consent request queued a moment before it, in the same commit; the confirmations stand.
    const sent = await matterline.app.db.prisma.message.findMany({
      where: { identityId: identity.id, direction: 'outbound' },
      // Time-ordered ids (UUIDv7): the order the replies were written in.
      orderBy: { id: 'asc' },
      select: { purpose: true, status: true },
    });
    expect(sent).toEqual([
      { purpose: 'consent_request', status: 'cancelled' },
      { purpose: 'opted_out', status: 'queued' },
      { purpose: 'consent_confirmed', status: 'queued' },
    ]);
    // Done: every job's outbox row is gone, its ProcessedJob row kept.
    const outbox = await matterline.app.db.pool.query<{ status: string }>(
      `SELECT status FROM "Outbox" WHERE "jobId" = ANY($1::text[])`,
      [ids.map((id) => `inbound-${id}`)],
    );
    expect(outbox.rows).toEqual([]);

    // Handed over again (a replay after a Redis flush): nothing is processed twice.
    const again = await Promise.all(ids.map((id) => inbound.submit(id)));
    expect(again).toEqual(ids.map(() => ({ processed: false })));
    expect(await processedJobs(ids)).toHaveLength(ids.length);
    expect(await matterline.app.db.prisma.consentEvent.count({ where: { identityId: identity.id } })).toBe(3);
  });

  it('retries each message of a failed batch on its own, so one that cannot be processed holds up no other', async () => {
    // A database rule this message breaks, whichever transaction it is processed in.
    await matterline.app.db.pool.query(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'poison refused'; END $$;
      CREATE TRIGGER refuse_poison BEFORE INSERT ON "ConsentEvent"
        FOR EACH ROW WHEN (NEW.text = 'poison') EXECUTE FUNCTION refuse_poison();`);
    try {
      const good = [
        await capture('+15550100001', 'Any news on my case?'),
        await capture('+15558880002', 'Hi, I was given your number'),
      ];
      const poison = await capture('+15558880003', 'poison');
      const more = await capture('+15550100001', 'I can come in on Friday');
      const failures: number[] = [];
      const inbound = batcher((_error, size) => failures.push(size));

      const outcomes = await Promise.allSettled([good[0]!, poison, good[1]!, more].map((id) => inbound.submit(id)));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect(String((outcomes[1] as PromiseRejectedResult).reason)).toContain('poison refused');
      expect(failures).toEqual([4]);

      const jobs = await processedJobs([...good, more, poison]);
      expect(jobs.map((job) => job.jobId).sort()).toEqual([...good, more].map((id) => `inbound-${id}`).sort());
      // Each in a transaction of its own after the batch failed.
      expect(new Set(jobs.map((job) => job.processedAt.getTime())).size).toBe(3);
      const newcomer = await matterline.app.db.prisma.contactIdentity.findFirstOrThrow({ where: { address: '+15558880002' } });
      expect(newcomer.consentState).toBe('requested');
      const poisoned = await matterline.app.db.pool.query<{ status: string }>(`SELECT status FROM "Outbox" WHERE "jobId" = $1`, [`inbound-${poison}`]);
      expect(poisoned.rows[0]?.status).toBe('pending');
    } finally {
      await matterline.app.db.pool.query(`DROP TRIGGER refuse_poison ON "ConsentEvent"; DROP FUNCTION refuse_poison();`);
    }
  });

  it('retries alone after PostgreSQL refused a statement, not after the database could not be reached', async () => {
    const refused = await matterline.app.db.pool.query('SELECT 1 / 0').then(() => null, (error: unknown) => error);
    expect(isStatementError(refused)).toBe(true);
    const unreachable = new pg.Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2000 });
    const lost = await unreachable.connect().then(() => null, (error: unknown) => error);
    expect(lost).toBeInstanceOf(Error);
    expect(isStatementError(lost)).toBe(false);
  });
});
