import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredRecords } from '../../src/core/retention/purge-expired-records.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// A purge removes every copy of what it purges. The record is searched afterwards, column by column (every text,
// varchar, json, jsonb, array and tsvector column of every table), for words that only the purged messages held.
const needle = 'zanzibarquokka';

describe('a retention purge leaves no copy of a purged message anywhere in the database', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let admin: ApiClient;
  let lawyer: ApiClient;
  let receiver: Server;
  let received = 0;

  const inbound = async (text: string, media?: { data: string; mimeType: string; fileName: string }[]) => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+15550100001', text, ...(media ? { media } : {}) }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { id: string; conversationId: string };
  };

  /** Every column that can hold text, and how many rows of it mention the word. */
  const mentions = async (word: string): Promise<string[]> => {
    const columns = await app.db.pool.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND (data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY', 'tsvector') OR udt_name = 'tsvector')`,
    );
    expect(columns.rows.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const { table_name: table, column_name: column } of columns.rows) {
      const hit = await app.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${table}" WHERE "${column}"::text ILIKE '%' || $1 || '%'`,
        [word],
      );
      if (hit.rows[0]!.n > 0) found.push(`${table}.${column} (${hit.rows[0]!.n})`);
    }
    return found;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received++;
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    [admin, lawyer] = await Promise.all([signedIn(app.url!, 'admin@demo.test'), signedIn(app.url!, 'lawyer@demo.test')]);
    expect((await admin.post('/api/admin/webhooks', { url: `http://127.0.0.1:${port}/clio`, events: ['message.captured', 'consent.changed'] })).status).toBe(201);
  });
  afterAll(async () => {
    await app?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    await database?.drop();
  });

  it('finds the words before the purge in the message, the search index, the webhook payloads and the phone copy, and nowhere after', async () => {
    const first = await inbound(`The ${needle} settlement figure is 41,250`, [
      { data: Buffer.from(`%PDF-1.4 ${needle}`).toString('base64'), mimeType: 'application/pdf', fileName: `${needle}-offer.pdf` },
    ]);
    const reply = await lawyer.post<{ id: string }>(`/api/conversations/${first.conversationId}/messages`, { text: `Noted: ${needle} offer received` });
    expect(reply.status).toBe(202);
    // A colleague's internal note quoting the client is part of the record, and goes with it.
    expect((await lawyer.post(`/api/conversations/${first.conversationId}/notes`, { text: `Client says ${needle} figure is final` })).status).toBe(201);
    // What copies there are: the pretend phone got the reply (before the client's STOP, which would cancel a reply
    // still waiting to go), STOP was processed, the signed deliveries have run.
    await waitFor(async () => (await app.db.pool.query(`SELECT 1 FROM "SimulatorPhoneMessage" WHERE text LIKE $1`, [`%${needle}%`])).rowCount === 1, {
      what: 'the reply on the phone',
    });
    const stop = await inbound('STOP');
    await waitFor(async () => (await app.db.pool.query(`SELECT 1 FROM "ConsentEvent" WHERE "messageId" = $1`, [stop.id])).rowCount === 1, { what: 'STOP processed' });
    await waitFor(async () => (await app.db.pool.query(`SELECT 1 FROM "WebhookDelivery" WHERE state = 'delivered'`)).rowCount! >= 3, { what: 'the webhook deliveries' });
    expect(received).toBeGreaterThanOrEqual(3);
    const before = await mentions(needle);
    expect(before).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Message\.text/),
        expect.stringMatching(/^Message\.searchVector/),
        expect.stringMatching(/^Attachment\.fileName/),
        expect.stringMatching(/^WebhookDelivery\.payload/),
        expect.stringMatching(/^SimulatorPhoneMessage\.text/),
        expect.stringMatching(/^ConversationNote\.text/),
      ]),
    );
    expect((await app.db.pool.query(`SELECT text FROM "ConsentEvent" WHERE "messageId" = $1`, [stop.id])).rows[0]).toEqual({ text: 'STOP' });

    // M-0001 closed 60 days ago, its messages 90 days old, the firm keeps records 30 days after closure.
    await app.db.pool.query(`UPDATE "Matter" SET status = 'closed', "closedAt" = now() - interval '60 days' WHERE number = 'M-0001'`);
    await app.db.pool.query(`UPDATE "Message" SET "capturedAt" = now() - interval '90 days' WHERE "conversationId" = $1`, [first.conversationId]);
    await app.db.pool.query(`UPDATE "ConversationNote" SET "createdAt" = now() - interval '90 days' WHERE "conversationId" = $1`, [first.conversationId]);
    expect((await admin.request('PATCH', '/api/admin/settings', { body: { retentionDays: 30 } })).status).toBe(200);
    const run = await purgeExpiredRecords({ pool: app.db.pool });
    expect(run.messages).toBeGreaterThanOrEqual(3);

    expect(await mentions(needle)).toEqual([]);
    expect(await mentions('41,250')).toEqual([]);
    // The consent change stays as an event (who, when, which state), without the words that were evidence of it.
    const consent = await app.db.pool.query<{ text: string | null; toState: string }>(`SELECT text, "toState" FROM "ConsentEvent" WHERE "messageId" = $1`, [stop.id]);
    expect(consent.rows).toEqual([{ text: null, toState: 'opted_out' }]);
    expect((await app.db.pool.query(`SELECT 1 FROM "SimulatorPhoneMessage" WHERE address = '+15550100001'`)).rowCount).toBe(0);
    expect((await app.db.pool.query(`SELECT 1 FROM "Blob" b WHERE NOT EXISTS (SELECT 1 FROM "Attachment" a WHERE a."blobKey" = b.id)`)).rowCount).toBe(0);
    // The purge is provable: counts and hashes in the audit log, never the content.
    const audit = await app.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'retention.purged' } });
    expect(audit.details).toMatchObject({ webhookDeliveriesRemoved: expect.any(Number), consentEvidenceCleared: 1, phoneCopiesRemoved: expect.any(Number) });
    // The reply, and the confirmation the firm sent after STOP.
    expect((audit.details as { phoneCopiesRemoved: number }).phoneCopiesRemoved).toBeGreaterThanOrEqual(1);
    expect((audit.details as { webhookDeliveriesRemoved: number }).webhookDeliveriesRemoved).toBeGreaterThanOrEqual(3);
  });
});
