import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAccountId, asProviderMessageId } from '../../src/core/ids.js';
import { recordBridgeEvent } from '../../src/core/record-bridge-event.js';
import type { BridgeEvent } from '../../src/core/bridge-events.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';
import type { RsmfManifestEvent } from './rsmf-file.js';
import { readRsmf } from './rsmf-file.js';

async function download(client: ApiClient, path: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const response = await fetch(`${client.baseUrl}${path}`, { headers: { cookie: client.cookie ?? '' } });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

const custom = (event: RsmfManifestEvent, name: string) => event.custom?.find((c) => c.name === name)?.value;

// Litigation support hands opposing counsel a matter's client messages in the format their review platform loads.
describe('exporting a matter in RSMF 2.0', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let lawyer: ApiClient;
  let lawyer2: ApiClient;
  let matterId: string;
  let conversationId: string;
  let replyId: string;
  const photo = randomBytes(8 * 1024);

  const record = (event: BridgeEvent) => recordBridgeEvent({ db: app.db, dispatcher: { dispatch: async () => undefined }, event });
  const inbound = (id: string, sentAt: string, messageKind: 'text' | 'edit' | 'deletion' | 'reaction', text?: string, relatesTo?: string): BridgeEvent => ({
    kind: 'message',
    accountId: asAccountId('demo'),
    providerMessageId: asProviderMessageId(id),
    direction: 'inbound',
    chat: { externalId: '+15550100001', kind: 'direct' },
    contact: { address: '+15550100001' },
    messageKind,
    ...(text !== undefined ? { text } : {}),
    sentAt: new Date(sentAt),
    ...(relatesTo ? { relatesToProviderId: relatesTo } : {}),
    raw: { test: id },
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    [lawyer, lawyer2] = await Promise.all([signedIn(app.url!, 'lawyer@demo.test'), signedIn(app.url!, 'lawyer2@demo.test')]);
    matterId = (await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } })).id;
    // Alice writes on 2 November (9 a.m. in New York), once with a photo; then edits her first message, writes a
    // third and deletes it. Laura answers from the inbox, and Alice reacts to the answer.
    for (const [id, sentAt, text, media] of [
      ['sim-rsmf-1', '2026-11-02T14:00:00Z', 'The dealer refused a refund', undefined],
      ['sim-rsmf-2', '2026-11-02T14:05:00Z', 'Photo of the contract', { data: photo.toString('base64'), mimeType: 'image/jpeg', fileName: 'contract page 1.jpg' }],
    ] as const) {
      const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: '+15550100001', id, text, sentAt, ...(media ? { media: [media] } : {}) }),
      });
      expect(response.status).toBe(202);
    }
    await record(inbound('sim-rsmf-1-edit', '2026-11-02T14:10:00Z', 'edit', 'The dealer refused a refund and a repair', 'sim-rsmf-1'));
    await record(inbound('sim-rsmf-3', '2026-11-02T14:20:00Z', 'text', 'Ignore my last message'));
    await record(inbound('sim-rsmf-3-delete', '2026-11-02T14:21:00Z', 'deletion', undefined, 'sim-rsmf-3'));
    const first = await app.db.prisma.message.findFirstOrThrow({ where: { providerMessageId: 'sim-rsmf-1' } });
    conversationId = first.conversationId;
    const reply = await lawyer.request<{ id: string }>('POST', `/api/conversations/${conversationId}/messages`, {
      body: { text: 'Please send me the whole contract', idempotencyKey: `rsmf-${randomBytes(4).toString('hex')}` },
    });
    expect(reply.status).toBeLessThan(300);
    replyId = reply.body.id;
    const sent = await waitFor(
      async () => {
        const message = await app.db.prisma.message.findUniqueOrThrow({ where: { id: replyId } });
        return message.providerMessageId ? message : undefined;
      },
      { what: 'the reply to be sent' },
    );
    await record({ kind: 'receipt', accountId: asAccountId('demo'), providerMessageId: asProviderMessageId(sent.providerMessageId!), status: 'delivered', at: new Date(Date.now() + 1000), raw: {} });
    await record({ kind: 'receipt', accountId: asAccountId('demo'), providerMessageId: asProviderMessageId(sent.providerMessageId!), status: 'read', at: new Date(Date.now() + 2000), raw: {} });
    await record(inbound('sim-rsmf-4', new Date(Date.now() + 3000).toISOString(), 'reaction', '\u{1F44D}', sent.providerMessageId!));
    await waitFor(async () => (await app.db.prisma.attachment.count({ where: { state: 'stored' } })) >= 1, { what: 'the photo to be stored' });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('writes an RFC 5322 file with rsmf.zip that a MIME parser reads and the published schema accepts, and audits it', async () => {
    const response = await download(lawyer, `/api/matters/${matterId}/export.rsmf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/rsmf');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="messages-M-0001-\d{4}-\d{2}-\d{2}\.rsmf"$/);
    expect(response.headers.get('x-export-messages')).toBe('4');
    const file = await readRsmf(response.body);

    expect(file.headers.get('x-rsmf-version')).toBe('2.0.0');
    expect(file.headers.get('x-rsmf-generator')).toBe('Matterline');
    expect(file.headers.get('x-rsmf-eventcount')).toBe('4');
    expect(file.headers.get('x-rsmf-attachmentcount')).toBe('1');
    expect(file.headers.get('x-rsmf-begindate')).toBe('2026-11-02T14:00:00.000Z');
    expect(file.headers.get('x-rsmf-participants')).toContain('Alice Avery');
    expect(file.mail.text).toContain('2026-11-02T14:00:00.000Z client: The dealer refused a refund');
    expect(file.manifest.version).toBe('2.0.0');

    const { participants, conversations, events } = file.manifest;
    const laura = participants.find((p) => p.email === 'lawyer@demo.test');
    const alice = participants.find((p) => p.display === 'Alice Avery');
    expect(laura).toBeDefined();
    expect(alice).toMatchObject({ account_id: '+15550100001' });
    expect(conversations).toEqual([
      expect.objectContaining({ id: conversationId, platform: 'simulator', type: 'direct', participants: expect.arrayContaining([laura!.id, alice!.id]) }),
    ]);
    expect(events.map((e) => e.body)).toEqual(['The dealer refused a refund', 'Photo of the contract', 'Ignore my last message', 'Please send me the whole contract']);

    const [edited, withPhoto, deleted, answer] = events as [RsmfManifestEvent, RsmfManifestEvent, RsmfManifestEvent, RsmfManifestEvent];
    expect(edited).toMatchObject({ type: 'message', participant: alice!.id, direction: 'incoming', timestamp: '2026-11-02T14:00:00.000Z' });
    expect(edited.edits).toEqual([
      { participant: alice!.id, timestamp: '2026-11-02T14:10:00.000Z', previous: 'The dealer refused a refund', new: 'The dealer refused a refund and a repair' },
    ]);
    expect(edited.deleted).toBeUndefined();
    // The photo is in rsmf.zip under the name the event gives, byte for byte.
    expect(withPhoto.attachments).toHaveLength(1);
    expect(withPhoto.attachments![0]).toMatchObject({ display: 'contract page 1.jpg', size: photo.length });
    expect(file.zip.get(withPhoto.attachments![0]!.id)).toEqual(photo);
    expect(deleted).toMatchObject({ deleted: true, body: 'Ignore my last message' });
    expect(answer).toMatchObject({ participant: laura!.id, direction: 'outgoing' });
    expect(answer.reactions).toEqual([{ value: '\u{1F44D}', count: 1, participants: [alice!.id] }]);
    expect(answer.read_receipts?.map((r) => [r.participant, r.action])).toEqual([
      [alice!.id, 'delivered'],
      [alice!.id, 'read'],
    ]);
    expect(custom(answer, 'Matterline message id')).toBe(replyId);

    const audit = await app.db.pool.query<{ details: { format: string; sha256: string; bytes: number; events: number } }>(
      `SELECT details FROM "AuditEvent" WHERE action = 'matter.exported' AND "subjectId" = $1 AND details->>'format' = 'rsmf' ORDER BY id DESC LIMIT 1`,
      [matterId],
    );
    expect(audit.rows[0]?.details).toMatchObject({ sha256: createHash('sha256').update(response.body).digest('hex'), bytes: response.body.length, events: 4 });
  });

  it('slices by the firm\'s days and by conversation, and refuses a backwards range and other people\'s matters', async () => {
    // 2 November in New York: Alice's three messages, not the answer sent today.
    const day = await download(lawyer, `/api/matters/${matterId}/export.rsmf?from=2026-11-02&to=2026-11-02&conversation=${conversationId}`);
    expect(day.status).toBe(200);
    const file = await readRsmf(day.body);
    expect(file.manifest.events.map((e) => e.body)).toEqual(['The dealer refused a refund', 'Photo of the contract', 'Ignore my last message']);
    expect(file.headers.get('x-rsmf-eventcount')).toBe('3');
    expect(file.headers.get('x-rsmf-enddate')).toBe('2026-11-02T14:20:00.000Z');

    const backwards = await lawyer.request('GET', `/api/matters/${matterId}/export.rsmf?from=2026-11-03&to=2026-11-02`);
    expect(backwards.status).toBe(400);
    expect(backwards.body).toMatchObject({ error: 'bad_request', message: 'to: must be after from' });
    const notADay = await lawyer.request('GET', `/api/matters/${matterId}/export.rsmf?from=2026-02-30`);
    expect(notADay.status).toBe(400);
    const otherConversation = await lawyer.request('GET', `/api/matters/${matterId}/export.rsmf?conversation=not-in-this-matter`);
    expect(otherConversation.status).toBe(404);
    // Leo does not work M-0001: the matter does not exist for him.
    const walled = await lawyer2.request('GET', `/api/matters/${matterId}/export.rsmf`);
    expect(walled.status).toBe(404);
  });

  it('produces the messages a search found, with the same file and audit', async () => {
    const response = await download(lawyer, '/api/search.rsmf?q=dealer');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="messages-search-\d{4}-\d{2}-\d{2}\.rsmf"$/);
    const file = await readRsmf(response.body);
    // The message and its edit both hold the word; the edit is folded into the message it changes.
    expect(file.manifest.events.map((e) => e.body)).toEqual(['The dealer refused a refund']);
    expect(file.manifest.events[0]!.edits).toHaveLength(1);
    expect(file.manifest.conversations[0]!.custom).toContainEqual({ name: 'Matter', value: 'M-0001 Avery v. Northwind Motors (lemon law)' });
    expect(file.mail.subject).toBe('Messages found by the search "dealer"');
    const audit = await app.db.pool.query<{ details: { sha256: string } }>(`SELECT details FROM "AuditEvent" WHERE action = 'search.exported' ORDER BY id DESC LIMIT 1`);
    expect(audit.rows[0]?.details.sha256).toBe(createHash('sha256').update(response.body).digest('hex'));
    // Leo's search finds nothing of Laura's matter, so his production is empty, and still a valid file.
    const leo = await download(lawyer2, '/api/search.rsmf?q=dealer');
    expect(leo.status).toBe(200);
    expect((await readRsmf(leo.body)).manifest.events).toEqual([]);
  });
});
