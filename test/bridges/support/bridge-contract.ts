import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureOutbound } from '../../../src/core/capture-outbound.js';
import { createJobDispatcher } from '../../../src/jobs/job-dispatcher.js';
import type { RunningMatterline } from '../../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../../support/matterline.js';
import type { TestDatabase } from '../../support/test-database.js';
import { createTestDatabase } from '../../support/test-database.js';

// One conformance suite every bridge adapter passes, in the manner of BullMQ's adapter tests: each channel supplies a
// harness (its account, its provider's real payload shapes, a local server playing its API) and these checks run
// against a real Matterline on its own database and queue prefix.

export interface ExpectedMessage {
  providerMessageId: string;
  kind: string;
  text: string | null;
  contact: { address: string; name?: string };
  sentAt?: Date;
  attachments?: { mimeType: string; providerMediaId?: string | null; sourceUrl?: string | null; fileName?: string | null; sha256?: string | null }[];
  /** Provider ids of the messages this one quotes or reacts to (delivered earlier in the sample list). */
  replyToProviderId?: string;
  relatesToProviderId?: string;
}

export interface InboundSample {
  name: string;
  /** Delivers the sample the way the platform does (a real, signed HTTP request). */
  deliver(): Promise<Response>;
  expected: ExpectedMessage;
}

export type ReceiptStatus = 'delivered' | 'read' | 'failed';

export interface WebhookBadInput {
  unsigned(): Promise<Response>;
  wrongSignature(): Promise<Response>;
  unknownAccount(): Promise<Response>;
  /** Signed but malformed: each must be a 4xx (400 unless given) and store nothing. */
  malformed: { name: string; send(): Promise<Response>; status?: number }[];
  /** Odd but signed shapes: never a 5xx, and a refusal stores nothing. */
  fuzz: { name: string; send(): Promise<Response> }[];
}

export interface ChannelHarness {
  name: string;
  /** Creates the account (and the provider's fake API) on a running Matterline. */
  start(app: RunningMatterline): Promise<void>;
  stop(): Promise<void>;
  accountId(): string;
  /** An address on the channel the firm can send to. */
  contact: string;
  samples: InboundSample[];
  /** Resolves once the provider received a send of this text that passed its checks; its id for the message. */
  awaitSend(text: string): Promise<{ providerMessageId: string }>;
  /** A text the fake provider refuses with a 4xx, as the real one refuses an impossible message. */
  refusedText?: string;
  /** Delivers a receipt as the platform does; absent when receipts arrive on their own (the simulator's phone). */
  deliverReceipt?(providerMessageId: string, status: ReceiptStatus): Promise<Response>;
  /** How the failed receipt's reason shows in the record. */
  failedReason?: RegExp;
  webhook?: WebhookBadInput;
}

/** Runs the shared checks; `more` adds the channel's own tests to the same running Matterline. */
export function runBridgeContract(harness: ChannelHarness, more?: () => void): void {
  describe(`the bridge contract: ${harness.name}`, () => {
    let database: TestDatabase;
    let app: RunningMatterline;

    beforeAll(async () => {
      database = await createTestDatabase();
      app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
      await harness.start(app);
    });
    afterAll(async () => {
      await harness.stop();
      await app?.stop();
      await database?.drop();
    });

    const stored = (providerMessageId: string) =>
      app.db.prisma.message.findMany({
        where: { accountId: harness.accountId(), providerMessageId },
        include: { attachments: true, identity: true },
      });
    const idOf = async (providerMessageId: string) => (await stored(providerMessageId))[0]?.id ?? null;

    /** What a refused request must leave untouched. Outbound sends (consent requests the worker makes) are not counted. */
    const counts = async () => {
      const result = await app.db.pool.query(
        `SELECT (SELECT count(*)::int FROM "Message" WHERE "accountId" = $1 AND direction = 'inbound') AS messages,
                (SELECT count(*)::int FROM "ContactIdentity" WHERE "accountId" = $1) AS identities,
                (SELECT count(*)::int FROM "Conversation" WHERE "accountId" = $1) AS conversations,
                (SELECT count(*)::int FROM "Attachment" a JOIN "Message" m ON m.id = a."messageId" WHERE m."accountId" = $1) AS attachments,
                (SELECT count(*)::int FROM "MessageStatusEvent" e JOIN "Message" m ON m.id = e."messageId"
                  WHERE m."accountId" = $1 AND e.status <> 'sent') AS receipts`,
        [harness.accountId()],
      );
      return result.rows[0] as Record<string, number>;
    };

    /** Queues a message to the harness's contact (opted in, so the send gate lets it through). */
    const send = async (text: string) => {
      const account = await app.db.prisma.channelAccount.findUniqueOrThrow({ where: { id: harness.accountId() } });
      await app.db.prisma.contactIdentity.upsert({
        where: { accountId_address: { accountId: account.id, address: harness.contact } },
        create: { firmId: account.firmId, accountId: account.id, address: harness.contact, consentState: 'opted_in' },
        update: { consentState: 'opted_in' },
      });
      return captureOutbound({
        db: app.db,
        dispatcher: createJobDispatcher({ backend: app.backend }),
        to: { accountId: account.id, address: harness.contact },
        text,
        idempotencyKey: `contract-${randomBytes(6).toString('hex')}`,
      });
    };
    // 'sent' is reached when the status is sent or beyond: a fast phone may have read it before we look.
    const reached: Record<string, string[]> = { sent: ['sent', 'delivered', 'read'], read: ['read'], failed: ['failed'] };
    const statusOf = async (messageId: string, wanted: 'sent' | 'read' | 'failed') =>
      waitFor(
        async () => {
          const row = await app.db.prisma.message.findUniqueOrThrow({ where: { id: messageId }, include: { statusEvents: true } });
          return reached[wanted]!.includes(row.status) ? row : null;
        },
        { what: `the message to be ${wanted}`, timeoutMs: 20_000 },
      );

    it.each(harness.samples.map((sample) => [sample.name, sample] as const))('captures %s', async (_name, sample) => {
      const response = await sample.deliver();
      expect(response.status, await response.clone().text()).toBeLessThan(300);
      const rows = await stored(sample.expected.providerMessageId);
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      const expected = sample.expected;
      expect(row).toMatchObject({ direction: 'inbound', kind: expected.kind, text: expected.text, status: 'received' });
      expect(row.identity?.address).toBe(expected.contact.address);
      if (expected.contact.name) expect(row.identity?.displayName).toBe(expected.contact.name);
      if (expected.sentAt) expect(row.sentAt).toEqual(expected.sentAt);
      expect(row.raw).not.toBeNull();
      const attachments = row.attachments.map((a) => ({
        mimeType: a.mimeType,
        providerMediaId: a.providerMediaId,
        sourceUrl: a.sourceUrl,
        fileName: a.fileName,
        sha256: a.sha256,
      }));
      expect(attachments).toEqual(
        (expected.attachments ?? []).map((a) => ({ providerMediaId: null, sourceUrl: null, fileName: null, sha256: null, ...a })),
      );
      for (const [providerId, linked] of [
        [expected.replyToProviderId, row.replyToId],
        [expected.relatesToProviderId, row.relatesToId],
      ] as const) {
        if (!providerId) continue;
        const target = await idOf(providerId);
        expect(target, `${providerId} was captured before`).not.toBeNull();
        expect(linked).toBe(target);
      }
    });

    it('reports the account connected: a webhook channel has no connection to wait for', async () => {
      await app.registry.get(harness.accountId());
      const account = await app.db.prisma.channelAccount.findUniqueOrThrow({ where: { id: harness.accountId() } });
      expect(account.state).toBe('connected');
    });

    it('stores an event delivered again (a provider retry) once, and queues its processing once', async () => {
      const sample = harness.samples[0]!;
      const responses = await Promise.all([sample.deliver(), sample.deliver(), sample.deliver()]);
      expect(responses.map((r) => r.status < 300)).toEqual([true, true, true]);
      const rows = await stored(sample.expected.providerMessageId);
      expect(rows).toHaveLength(1);
      // One job: processed once (its ProcessedJob row), after which its outbox row is gone.
      await waitFor(async () => ((await app.db.pool.query(`SELECT 1 FROM "ProcessedJob" WHERE "jobId" = $1`, [`inbound-${rows[0]!.id}`])).rowCount ?? 0) === 1, {
        what: 'the message to be processed',
      });
      const outbox = await app.db.pool.query(`SELECT 1 FROM "Outbox" WHERE "jobName" = 'inbound' AND payload->>'messageId' = $1`, [rows[0]!.id]);
      expect(outbox.rowCount).toBe(0);
    });

    it('sends through the provider, which receives a request it accepts, and records the provider id', async () => {
      const text = `Your hearing is on 3 December (${randomBytes(3).toString('hex')})`;
      const queued = await send(text);
      const provider = await harness.awaitSend(text);
      const message = await statusOf(queued.messageId, 'sent');
      expect(message.providerMessageId).toBe(provider.providerMessageId);
      expect(message.statusEvents.map((e) => e.status)).toContain('sent');
    });

    it('moves the recorded message forward with receipts, never back', async () => {
      const text = `Receipts please (${randomBytes(3).toString('hex')})`;
      const queued = await send(text);
      const { providerMessageId } = await harness.awaitSend(text);
      await statusOf(queued.messageId, 'sent');
      if (!harness.deliverReceipt) {
        await statusOf(queued.messageId, 'read');
        return;
      }
      for (const status of ['delivered', 'read', 'delivered'] as const) {
        const response = await harness.deliverReceipt(providerMessageId, status);
        expect(response.status).toBeLessThan(300);
      }
      const message = await statusOf(queued.messageId, 'read');
      expect(message.deliveredAt).not.toBeNull();
      expect(message.readAt).not.toBeNull();
      expect(message.statusEvents.map((e) => e.status).sort()).toEqual(['delivered', 'read', 'sent']);
    });

    if (harness.deliverReceipt) it('records a failed receipt with the provider’s reason', async () => {
      const text = `This one fails (${randomBytes(3).toString('hex')})`;
      const queued = await send(text);
      const { providerMessageId } = await harness.awaitSend(text);
      await statusOf(queued.messageId, 'sent');
      const response = await harness.deliverReceipt!(providerMessageId, 'failed');
      expect(response.status).toBeLessThan(300);
      const message = await statusOf(queued.messageId, 'failed');
      expect(message.error).toMatch(harness.failedReason ?? /./);
      expect(message.failedAt).not.toBeNull();
    });

    if (harness.deliverReceipt) it('acknowledges a receipt for a message it does not know, changing nothing', async () => {
      const before = await counts();
      const response = await harness.deliverReceipt!(`unknown${randomBytes(8).toString('hex')}`, 'delivered');
      expect(response.status).toBeLessThan(300);
      expect(await counts()).toEqual(before);
    });

    if (harness.refusedText) it('marks a send the provider refuses as failed, with the provider’s reason', async () => {
      const queued = await send(harness.refusedText!);
      const message = await statusOf(queued.messageId, 'failed');
      expect(message.error).toMatch(/refused/i);
      expect(message.providerMessageId).toBeNull();
    });

    more?.();

    const webhook = harness.webhook;
    if (webhook) describe('bad input', () => {

      const refused = async (send: () => Promise<Response>, status: number) => {
        const before = await counts();
        const response = await send();
        const body = await response.text();
        expect(response.status, body).toBe(status);
        expect(() => JSON.parse(body) as unknown, 'a JSON error body').not.toThrow();
        expect(await counts()).toEqual(before);
      };

      it('refuses a request without a signature (401), storing nothing', () => refused(webhook.unsigned, 401));
      it('refuses a request with a wrong signature (401), storing nothing', () => refused(webhook.wrongSignature, 401));
      it('answers 404 for an account that does not exist or is another channel', () => refused(webhook.unknownAccount, 404));

      it.each(webhook.malformed.map((c) => [c.name, c] as const))('refuses %s, storing nothing', (_name, testCase) =>
        refused(testCase.send, testCase.status ?? 400),
      );

      it.each(webhook.fuzz.map((c) => [c.name, c] as const))('never fails on %s, nor stores part of it', async (_name, testCase) => {
        const before = await counts();
        const response = await testCase.send();
        expect(response.status, await response.clone().text()).toBeLessThan(500);
        if (response.status >= 400) expect(await counts()).toEqual(before);
      });
    });
  });
}
