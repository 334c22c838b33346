import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/core/audit/verify-audit-chain.js';
import { purgeExpiredRecords } from '../../src/core/retention/purge-expired-records.js';
import { messageContentHash } from '../../src/core/retention/purge-matter-messages.js';
import { createQueueBackend } from '../../src/jobs/queue-backend.js';
import { startRetentionPurge } from '../../src/jobs/retention-purge-job.js';
import { createLogger } from '../../src/logger.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, uniquePrefix, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

interface PurgeDetails {
  matterNumber: string;
  messages: number;
  attachments: number;
  messageHashes: { id: string; sha256: string }[];
  attachmentHashes: { id: string; sha256: string | null; size: number | null }[];
  blobsRemoved: number;
}

// Old records are purged on the firm's schedule, except where a matter is on legal hold.
describe('retention and legal hold', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let admin: ApiClient;
  let supervisor: ApiClient;
  let lawyer: ApiClient;
  const matter: Record<string, string> = {};

  const messagesOf = async (number: string) =>
    (
      await app.db.pool.query<{ id: string }>(
        `SELECT m.id FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId" JOIN "Matter" mt ON mt.id = c."matterId"
          WHERE mt.number = $1 ORDER BY m.id`,
        [number],
      )
    ).rows.map((row) => row.id);

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    const as = (who: string) => signedIn(app.url!, `${who}@demo.test`);
    [admin, supervisor, lawyer] = await Promise.all([as('admin'), as('supervisor'), as('lawyer')]);
    for (const number of ['M-0001', 'M-0002', 'M-0003']) matter[number] = (await app.db.prisma.matter.findFirstOrThrow({ where: { number } })).id;
    for (const [from, text] of [
      ['+15550100001', 'Old news about the car'],
      ['+15550100001', 'The old invoice'],
      ['+34600100003', 'Mensaje antiguo'],
    ] as const) {
      const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from, text, backfilled: true, ...(text === 'The old invoice' ? { media: [{ data: Buffer.from('%PDF-1.4 the old invoice').toString('base64'), mimeType: 'application/pdf', fileName: 'invoice.pdf' }] } : {}) }),
      });
      expect(response.status).toBe(202);
    }
    // The invoice's bytes are in the blob store, alone; a second blob is shared with a matter that stays.
    const shared = 'b'.repeat(64);
    const own = 'a'.repeat(64);
    await app.db.pool.query(`INSERT INTO "Blob" (id, "keyId", size, data) VALUES ($1, 'k', 1, '\\x00'), ($2, 'k', 1, '\\x00')`, [own, shared]);
    await app.db.pool.query(`UPDATE "Attachment" SET state = 'stored', "blobKey" = $1 WHERE "fileName" = 'invoice.pdf'`, [own]);
    const keeper = await app.db.prisma.message.findFirstOrThrow({ where: { text: 'Mensaje antiguo' } });
    const sharer = await app.db.prisma.message.findFirstOrThrow({ where: { text: 'Old news about the car' } });
    for (const message of [keeper, sharer]) {
      await app.db.prisma.attachment.create({ data: { messageId: message.id, fileName: 'shared.jpg', mimeType: 'image/jpeg', state: 'stored', blobKey: shared } });
    }
    // Both matters closed 60 days ago, their messages 90 days old; the firm keeps records 30 days after closure.
    await app.db.pool.query(`UPDATE "Matter" SET status = 'closed', "closedAt" = now() - interval '60 days' WHERE number IN ('M-0001', 'M-0003')`);
    await app.db.pool.query(`UPDATE "Message" SET "capturedAt" = now() - interval '90 days'`);
    expect((await admin.request('PATCH', '/api/admin/settings', { body: { retentionDays: 30 } })).status).toBe(200);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('lets only a supervisor place a legal hold, with a reason, on a matter they may see', async () => {
    const path = `/api/matters/${matter['M-0003']}/legal-hold`;
    expect((await lawyer.post(path, { reason: 'litigation expected' })).status).toBe(403);
    expect((await admin.post(path, { reason: 'litigation expected' })).status).toBe(403);
    expect((await supervisor.post(path, {})).status).toBe(400);
    // The ethical wall: the supervisor may not see M-0002, so for them it does not exist.
    expect((await supervisor.post(`/api/matters/${matter['M-0002']}/legal-hold`, { reason: 'litigation expected' })).status).toBe(404);
    const placed = await supervisor.post<{ legalHold: boolean; reason: string }>(path, { reason: 'García v. Tienda: litigation expected' });
    expect(placed.status).toBe(200);
    expect(placed.body).toMatchObject({ legalHold: true, reason: 'García v. Tienda: litigation expected' });
    expect((await supervisor.post(path, { reason: 'again' })).status).toBe(409);
    const audit = await app.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'matter.legal_hold_placed', subjectId: matter['M-0003'] } });
    expect(audit.details).toEqual({ reason: 'García v. Tienda: litigation expected' });
  });

  it('the scheduled purge job removes expired messages and media, never a held matter, and audits their hashes', async () => {
    const heldBefore = await messagesOf('M-0003');
    const expired = await app.db.pool.query<{ id: string; conversationId: string; identityId: string | null; direction: string; kind: string; providerMessageId: string | null; text: string | null; editedText: string | null; authorUserId: string | null; sentAt: Date | null; capturedAt: Date; raw: unknown }>(
      `SELECT m.id, m."conversationId", m."identityId", m.direction, m.kind, m."providerMessageId", m.text, m."editedText",
              m."authorUserId", m."sentAt", m."capturedAt", m.raw
         FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId" WHERE c."matterId" = $1 ORDER BY m."capturedAt", m.id`,
      [matter['M-0001']],
    );
    expect(expired.rows.length).toBeGreaterThanOrEqual(2);
    const expiredAttachments = await app.db.prisma.attachment.findMany({ where: { messageId: { in: expired.rows.map((row) => row.id) } } });
    expect(expiredAttachments.map((a) => a.fileName).sort()).toEqual(['invoice.pdf', 'shared.jpg']);
    expect(heldBefore.length).toBeGreaterThanOrEqual(1);

    // The real job, on BullMQ, every 300 ms, on a queue of its own (the app's hourly schedule is left as it is).
    const backend = createQueueBackend({ kind: 'redis', prefix: uniquePrefix(), redisUrl: 'redis://127.0.0.1:6379' });
    const job = startRetentionPurge({ db: app.db, backend, logger: createLogger({ logLevel: 'silent' }), everyMs: 300 });
    try {
      await waitFor(async () => (await messagesOf('M-0001')).length === 0, { what: 'the purge of M-0001', timeoutMs: 20_000 });
      // Let it run a few more times: the held matter must still be whole afterwards.
      const runs = await app.db.prisma.auditEvent.count({ where: { action: 'retention.purged' } });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await app.db.prisma.auditEvent.count({ where: { action: 'retention.purged' } })).toBe(runs);
    } finally {
      await job.stop();
      await backend.close();
    }
    expect(await messagesOf('M-0003')).toEqual(heldBefore);
    expect(await app.db.prisma.auditEvent.count({ where: { action: 'retention.purged', subjectId: matter['M-0003'] } })).toBe(0);
    expect(await app.db.prisma.attachment.count({ where: { fileName: 'invoice.pdf' } })).toBe(0);
    // The invoice's bytes went with it; the blob M-0003 still uses stayed.
    const blobs = await app.db.pool.query<{ id: string }>(`SELECT id FROM "Blob" WHERE id IN ($1, $2)`, ['a'.repeat(64), 'b'.repeat(64)]);
    expect(blobs.rows).toEqual([{ id: 'b'.repeat(64) }]);

    const events = await app.db.prisma.auditEvent.findMany({ where: { action: 'retention.purged', subjectId: matter['M-0001'] } });
    const details = events.map((event) => event.details as unknown as PurgeDetails);
    expect(details.reduce((sum, d) => sum + d.messages, 0)).toBe(expired.rows.length);
    expect(details.flatMap((d) => d.messageHashes)).toEqual(expired.rows.map((row) => ({ id: row.id, sha256: messageContentHash(row) })));
    // The files by id and hash, never by name (a file's name is content too).
    expect(details.flatMap((d) => d.attachmentHashes).map((a) => a.id).sort()).toEqual(expiredAttachments.map((a) => a.id).sort());
    expect(details.flatMap((d) => d.attachmentHashes).every((a) => !('fileName' in a))).toBe(true);
    expect(details.reduce((sum, d) => sum + d.blobsRemoved, 0)).toBe(1);
    expect(events[0]!.actorKind).toBe('system');
    expect(await verifyAuditChain(app.db.pool)).toMatchObject({ ok: true });
  });

  it('purges a matter once its hold is lifted (with a reason), but never messages younger than the period', async () => {
    const path = `/api/matters/${matter['M-0003']}/legal-hold`;
    expect((await supervisor.request('DELETE', path, { body: {} })).status).toBe(400);
    const lifted = await supervisor.request<{ legalHold: boolean }>('DELETE', path, { body: { reason: 'Settled; the claim was withdrawn' } });
    expect(lifted.status).toBe(200);
    expect(lifted.body.legalHold).toBe(false);
    expect((await supervisor.request('DELETE', path, { body: { reason: 'again' } })).status).toBe(409);
    const liftAudit = await app.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'matter.legal_hold_lifted' } });
    expect(liftAudit.details).toMatchObject({ reason: 'Settled; the claim was withdrawn', hold: { reason: 'García v. Tienda: litigation expected' } });

    const fresh = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+34600100003', text: 'Un mensaje de hoy', backfilled: true }),
    });
    expect(fresh.status).toBe(202);
    // Whichever run gets there first (this one, or the app's own scheduled one), M-0003 is purged now.
    await purgeExpiredRecords({ pool: app.db.pool });
    expect(await app.db.prisma.auditEvent.count({ where: { action: 'retention.purged', subjectId: matter['M-0003'] } })).toBeGreaterThan(0);
    const left = await app.db.pool.query(`SELECT m.text FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId" WHERE c."matterId" = $1`, [matter['M-0003']]);
    expect(left.rows).toEqual([{ text: 'Un mensaje de hoy' }]);
  });

  it('keeps everything when the firm keeps records for ever', async () => {
    expect((await admin.request('PATCH', '/api/admin/settings', { body: { retentionDays: null } })).status).toBe(200);
    await app.db.pool.query(`UPDATE "Message" SET "capturedAt" = now() - interval '900 days'`);
    expect((await purgeExpiredRecords({ pool: app.db.pool })).messages).toBe(0);
  });
});
