import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSignature } from '../../src/bridges/whatsapp-cloud/hub-signature.js';
import { unsettledReviewAfterMs } from '../../src/core/inbox/unsettled-sends.js';
import { sendQueuedMessage } from '../../src/core/send-queued-message.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import type { FakeProvider } from '../bridges/support/fake-provider.js';
import { startFakeProvider } from '../bridges/support/fake-provider.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { whatsappTextPayload } from '../support/whatsapp-cloud-webhook.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// A send whose outcome is unknown (the process stopped while the provider was answering: Matterline cannot know
// whether the client got it) is never resent on its own. The provider's later word settles it (whatsapp-cloud-peers
// and the Twilio contract test it); when none comes, the author (an admin for automated ones) sees it and may send it
// again, once. And an unknown consent request does not stop the next message from asking again for 24 hours.

const unknown = 'send_outcome_unknown: the process stopped while the provider was sending; check before resending';

describe('sends whose outcome is unknown', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let lawyer: ApiClient;
  let otherLawyer: ApiClient;
  let admin: ApiClient;
  let graph: FakeProvider;
  let cloudAccountId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    graph = await startFakeProvider(() => ({ status: 200, json: { messaging_product: 'whatsapp', messages: [{ id: `wamid.out-${randomBytes(4).toString('hex')}` }] } }));
    lawyer = await signedIn(app.url!, 'lawyer@demo.test');
    admin = await signedIn(app.url!, 'admin@demo.test');
    otherLawyer = await signedIn(app.url!, 'supervisor@demo.test');
    const created = await admin.post<{ id: string }>('/api/admin/accounts', {
      kind: 'whatsapp-cloud',
      name: 'WhatsApp',
      config: { phoneNumberId: '1099887766', accessToken: 'token', appSecret: 'secret', verifyToken: 'verify', graphBaseUrl: `${graph.url}/v21.0` },
    });
    cloudAccountId = created.body.id;
  }, 120_000);

  afterAll(async () => {
    await graph?.stop();
    await app?.stop();
    await database?.drop();
  });

  async function unknownSend(minutesAgo: number, text: string) {
    const firm = await app.db.prisma.firm.findFirstOrThrow();
    const matter = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } });
    const lawyerId = (await app.db.prisma.user.findFirstOrThrow({ where: { email: 'lawyer@demo.test' } })).id;
    const address = `+1555${String(Date.now()).slice(-7)}`;
    const identity = await app.db.prisma.contactIdentity.create({ data: { firmId: firm.id, accountId: 'demo', address, consentState: 'opted_in', clientId: matter.clientId } });
    const conversation = await app.db.prisma.conversation.create({
      data: { firmId: firm.id, accountId: 'demo', externalId: address, identityId: identity.id, matterId: matter.id, needsTriage: false },
    });
    return app.db.prisma.message.create({
      data: {
        firmId: firm.id,
        accountId: 'demo',
        conversationId: conversation.id,
        identityId: identity.id,
        direction: 'outbound',
        text,
        status: 'failed',
        authorUserId: lawyerId,
        failedAt: new Date(Date.now() - minutesAgo * 60_000),
        error: unknown,
      },
    });
  }

  it('shows the author a send nothing settled, and sends it again once when they ask', async () => {
    const stale = await unknownSend(unsettledReviewAfterMs / 60_000 + 1, 'Your deposition is moved to Friday');
    const listed = await lawyer.get<{ id: string; resendableAt: string }[]>('/api/sends/unsettled');
    expect(listed.status).toBe(200);
    expect(listed.body.find((send) => send.id === stale.id)).toMatchObject({ id: stale.id, text: 'Your deposition is moved to Friday', files: 0 });
    // Only its author (or, for automated sends, an admin) acts on it.
    expect((await otherLawyer.get<{ id: string }[]>('/api/sends/unsettled')).body.some((send) => send.id === stale.id)).toBe(false);
    expect((await otherLawyer.post(`/api/messages/${stale.id}/resend`, {})).status).toBe(404);

    const resent = await lawyer.post<{ messageId: string; duplicate: boolean }>(`/api/messages/${stale.id}/resend`, {});
    expect(resent.status).toBe(202);
    expect(resent.body.messageId).not.toBe(stale.id);
    const copy = await waitFor(async () => {
      const row = await app.db.prisma.message.findUnique({ where: { id: resent.body.messageId } });
      return row && ['sent', 'delivered', 'read'].includes(row.status) ? row : null;
    }, { what: 'the new send' });
    expect(copy).toMatchObject({ text: 'Your deposition is moved to Friday', conversationId: stale.conversationId, direction: 'outbound' });
    expect((await app.db.prisma.message.findUniqueOrThrow({ where: { id: stale.id } })).error).toContain(`(sent again as ${resent.body.messageId})`);
    // A second click: the same new message, nothing sent twice; and the send leaves the list.
    const again = await lawyer.post<{ messageId: string; duplicate: boolean }>(`/api/messages/${stale.id}/resend`, {});
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ messageId: resent.body.messageId, duplicate: true });
    expect((await lawyer.get<{ id: string }[]>('/api/sends/unsettled')).body.some((send) => send.id === stale.id)).toBe(false);
    const audit = await app.db.pool.query(`SELECT details FROM "AuditEvent" WHERE action = 'message.resent' AND "subjectId" = $1`, [stale.id]);
    expect(audit.rows).toEqual([{ details: expect.objectContaining({ newMessageId: resent.body.messageId }) }]);
  });

  it('does not resend while the provider may still report the send', async () => {
    const fresh = await unknownSend(1, 'Sign the form please');
    const refused = await lawyer.post<{ error: string; message: string; details: { resendableAt: string } }>(`/api/messages/${fresh.id}/resend`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/the provider may still report this send/);
    expect(new Date(refused.body.details.resendableAt).getTime()).toBe(fresh.failedAt!.getTime() + unsettledReviewAfterMs);
  });

  it('lets the next message ask for consent again when the consent request’s outcome is unknown', async () => {
    const waId = `1555${String(Date.now()).slice(-7)}`;
    const post = async (id: string, text: string) => {
      const body = JSON.stringify(whatsappTextPayload({ phoneNumberId: '1099887766', waId, name: 'New Client', id, text, timestamp: String(Math.floor(Date.now() / 1000)) }));
      const response = await fetch(`${app.url}/webhooks/whatsapp-cloud/${cloudAccountId}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature(body, 'secret') }, body });
      expect(response.status).toBe(200);
    };
    await post(`wamid.first-${randomBytes(3).toString('hex')}`, 'Hello, I was in an accident');
    const identity = await waitFor(() => app.db.prisma.contactIdentity.findFirst({ where: { accountId: cloudAccountId, address: `+${waId}` } }), { what: 'the contact' });
    const request = await waitFor(
      async () => {
        const row = await app.db.prisma.message.findFirst({ where: { identityId: identity.id, purpose: 'consent_request' } });
        return row && row.status !== 'queued' && row.status !== 'sending' ? row : null;
      },
      { what: 'the consent request to be sent' },
    );
    // The process died while Meta was answering: the request is back to `sending` with no answer recorded, and the
    // send job runs again on a channel that takes no idempotency key.
    await app.db.prisma.message.update({ where: { id: request.id }, data: { status: 'sending', providerMessageId: null } });
    await app.db.pool.query(`UPDATE "ProcessedJob" SET "jobId" = "jobId" || '-old' WHERE "jobId" = $1`, [`send-${request.id}`]);
    const outcome = await sendQueuedMessage({ db: app.db, transport: app.registry, messageId: request.id });
    expect(outcome).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/^send_outcome_unknown/) });
    expect((await app.db.prisma.contactIdentity.findUniqueOrThrow({ where: { id: identity.id } })).consentRequestedAt).toBeNull();

    // The client writes again: asked again now, not in 24 hours.
    await post(`wamid.second-${randomBytes(3).toString('hex')}`, 'Are you there?');
    const second = await waitFor(
      async () => {
        const rows = await app.db.prisma.message.findMany({ where: { identityId: identity.id, purpose: 'consent_request' } });
        return rows.length === 2 ? rows : null;
      },
      { what: 'a second consent request' },
    );
    expect(second.map((row) => row.id)).toContain(request.id);
  });
});
