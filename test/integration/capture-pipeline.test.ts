import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutbound } from '../../src/core/capture-outbound.js';
import { createJobDispatcher } from '../../src/jobs/job-dispatcher.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

// The capture-first pipeline as a client's phone and the firm see it, on both queue backends.
describe.each(['redis', 'postgres'] as const)('capture pipeline on the %s queue backend', (queue) => {
  let database: TestDatabase;
  let app: RunningMatterline;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const inbound = (body: unknown) =>
    fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('stores the same inbound event delivered 5 times at once exactly once, and processes it once', async () => {
    const event = { from: '+15550100001', text: 'Did the court set a date?', id: `wamid-${queue}-dup-1` };
    const responses = await Promise.all(Array.from({ length: 5 }, () => inbound(event)));
    const bodies = await Promise.all(responses.map((r) => r.json() as Promise<{ id: string; duplicate: boolean }>));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 202]);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);

    const messageId = bodies[0]!.id;
    await waitFor(
      async () =>
        (await app.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1 AND NOT EXISTS (SELECT 1 FROM "Outbox" WHERE "jobId" = $1)`, [`inbound-${messageId}`]))
          .rowCount === 1,
      { what: 'the inbound job to finish' },
    );
    const stored = await app.db.pool.query(`SELECT id, text, direction FROM "Message" WHERE "providerMessageId" = $1`, [event.id]);
    expect(stored.rows).toEqual([{ id: messageId, text: event.text, direction: 'inbound' }]);
    // Processed once; its outbox row went with the processing.
    const outbox = await app.db.pool.query(`SELECT "jobId" FROM "Outbox" WHERE payload->>'messageId' = $1`, [messageId]);
    expect(outbox.rowCount).toBe(0);
    const processed = await app.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1`, [`inbound-${messageId}`]);
    expect(processed.rowCount).toBe(1);
  });

  it('files a first message from an unknown number under a new identity and conversation waiting for triage', async () => {
    const response = await inbound({ from: '+447700900123', text: 'Hi, I need help with my landlord', name: 'New Person' });
    expect(response.status).toBe(202);
    const { conversationId } = (await response.json()) as { conversationId: string };
    const conversation = await app.db.prisma.conversation.findUniqueOrThrow({
      where: { id: conversationId },
      include: { identity: true },
    });
    expect(conversation.needsTriage).toBe(true);
    expect(conversation.matterId).toBeNull();
    expect(conversation.identity?.address).toBe('+447700900123');
    expect(conversation.identity?.displayName).toBe('New Person');
    expect(conversation.identity?.consentState).toBe('unknown');
  });

  it("sends the firm's message to the client's phone and follows it to delivered and read", async () => {
    const sent = await captureOutbound({
      db: app.db,
      dispatcher: createJobDispatcher({ backend: app.backend }),
      to: { accountId: 'demo', address: '+15550100001' },
      text: 'The hearing is on 3 December at 10:00.',
      idempotencyKey: `key-${queue}-1`,
    });
    expect(sent.status).toBe('queued');

    const phone = await waitFor(
      async () => {
        const res = await fetch(`${app.url}/api/simulator/demo/phones/+15550100001`);
        const list = (await res.json()) as { id: string; text: string; status: string; sentAt: string }[];
        return list.find((m) => m.text === 'The hearing is on 3 December at 10:00.' && m.status === 'read') ?? null;
      },
      { what: 'the phone to read the message' },
    );
    expect(phone.id).toMatch(/^simout-/);

    const message = await waitFor(
      async () => {
        const row = await app.db.prisma.message.findUniqueOrThrow({ where: { id: sent.messageId }, include: { statusEvents: true } });
        return row.status === 'read' ? row : null;
      },
      { what: 'the record to show read' },
    );
    expect(message.providerMessageId).toBe(phone.id);
    expect(message.deliveredAt).not.toBeNull();
    expect(message.readAt).not.toBeNull();
    expect(message.statusEvents.map((e) => e.status).sort()).toEqual(['delivered', 'read', 'sent']);

    // The same request again (a double click, a retried HTTP call) stores and sends nothing new.
    const phoneBefore = (await (await fetch(`${app.url}/api/simulator/demo/phones/+15550100001`)).json()) as { text: string }[];
    const again = await captureOutbound({
      db: app.db,
      dispatcher: createJobDispatcher({ backend: app.backend }),
      to: { accountId: 'demo', address: '+15550100001' },
      text: 'The hearing is on 3 December at 10:00.',
      idempotencyKey: `key-${queue}-1`,
    });
    expect(again).toMatchObject({ messageId: sent.messageId, duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const phoneList = (await (await fetch(`${app.url}/api/simulator/demo/phones/+15550100001`)).json()) as { text: string }[];
    expect(phoneList).toEqual(phoneBefore);
    expect(phoneList.filter((m) => m.text === 'The hearing is on 3 December at 10:00.')).toHaveLength(1);
  });
});
