import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// After the WhatsApp 24-hour window closes, free text is refused and the lawyer sends an approved template instead,
// which goes to the Graph API as a template message.
describe('WhatsApp templates after the 24-hour window', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let graph: Server;
  let admin: ApiClient;
  let lawyer: ApiClient;
  const graphRequests: { path: string; body: Record<string, unknown> }[] = [];
  let conversationId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    graph = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        graphRequests.push({ path: req.url ?? '', body: JSON.parse(raw || '{}') as Record<string, unknown> });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages: [{ id: `wamid.T${graphRequests.length}` }] }));
      });
    });
    await new Promise<void>((resolve) => graph.listen(0, '127.0.0.1', resolve));
    const address = graph.address();
    const graphBaseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v21.0`;

    admin = await signedIn(app.url!, 'admin@demo.test');
    lawyer = await signedIn(app.url!, 'lawyer@demo.test');
    const created = await admin.post<{ id: string }>('/api/admin/accounts', {
      kind: 'whatsapp-cloud',
      name: 'WhatsApp',
      config: {
        phoneNumberId: '1099887766',
        accessToken: 'token-1',
        appSecret: 'secret-1',
        verifyToken: 'verify-1',
        graphBaseUrl,
        approvedTemplates: [{ name: 'case_update', language: 'en_US', text: 'There is news about your case. Reply to this message to talk to your lawyer.' }],
      },
    });
    expect(created.status).toBe(201);
    // Alice on this number: opted in, last wrote two days ago, her matter is lawyer@'s M-0001.
    const firm = await app.db.prisma.firm.findFirstOrThrow();
    const matter = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } });
    const identity = await app.db.prisma.contactIdentity.create({
      data: { firmId: firm.id, accountId: created.body.id, address: '+15550100001', consentState: 'opted_in', clientId: matter.clientId },
    });
    const conversation = await app.db.prisma.conversation.create({
      data: {
        firmId: firm.id,
        accountId: created.body.id,
        externalId: '+15550100001',
        identityId: identity.id,
        matterId: matter.id,
        needsTriage: false,
        lastInboundAt: new Date(Date.now() - 48 * 3600_000),
      },
    });
    conversationId = conversation.id;
  });
  afterAll(async () => {
    await app?.stop();
    graph?.close();
    await database?.drop();
  });

  it('refuses free text with 409 window_closed and sends nothing', async () => {
    const refused = await lawyer.post<{ error: string }>(`/api/conversations/${conversationId}/messages`, { text: 'Hello Alice' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('window_closed');
    expect(graphRequests).toHaveLength(0);
  });

  it('refuses a template the account does not list, and both text and template at once', async () => {
    const unknown = await lawyer.post<{ error: string; message: string }>(`/api/conversations/${conversationId}/messages`, {
      template: { name: 'marketing_blast', language: 'en_US' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/not an approved template/);
    const both = await lawyer.post(`/api/conversations/${conversationId}/messages`, { text: 'x', template: { name: 'case_update', language: 'en_US' } });
    expect(both.status).toBe(400);
  });

  it('sends an approved template through the Graph API and records its text', async () => {
    const sent = await lawyer.post<{ id?: string; messageId?: string }>(`/api/conversations/${conversationId}/messages`, {
      template: { name: 'case_update', language: 'en_US' },
    });
    expect(sent.status).toBe(202);
    await waitFor(async () => graphRequests.length === 1, { what: 'the template to reach the Graph API' });
    expect(graphRequests[0]).toMatchObject({
      path: '/v21.0/1099887766/messages',
      body: { messaging_product: 'whatsapp', to: '15550100001', type: 'template', template: { name: 'case_update', language: { code: 'en_US' } } },
    });
    const message = await waitFor(
      async () => {
        const row = await app.db.prisma.message.findFirst({ where: { conversationId, kind: 'template' } });
        return row?.status === 'sent' ? row : null;
      },
      { what: 'the template message to be recorded as sent' },
    );
    expect(message).toMatchObject({ templateName: 'case_update', language: 'en_US', providerMessageId: 'wamid.T1' });
    expect(message.text).toBe('There is news about your case. Reply to this message to talk to your lawyer.');
  });
});
