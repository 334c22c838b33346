import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';
import { readRsmf } from './rsmf-file.js';

interface LogEntry {
  entry: string;
  messageId: string;
  date: string;
  author: string;
  recipients: string[];
  type: string;
  privilegeAsserted: string;
  basis: string;
  description: string;
}

// The responsible lawyer marks privileged messages; productions withhold them and the privilege log lists them as
// courts expect, without revealing them.
describe('privilege tagging and the privilege log', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let lawyer: ApiClient;
  let lawyer2: ApiClient;
  let admin: ApiClient;
  let supervisor: ApiClient;
  let matterId: string;
  let otherMatterMessage: string;
  const ids: Record<string, string> = {};

  const inbound = async (from: string, id: string, text: string, sentAt: string) => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from, id, text, sentAt }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  };
  const log = async () => {
    const response = await lawyer.request<{ entries: LogEntry[] }>('GET', `/api/matters/${matterId}/privilege-log`);
    expect(response.status).toBe(200);
    return response.body.entries;
  };
  const rsmf = async (query = '') => {
    const response = await fetch(`${app.url}/api/matters/${matterId}/export.rsmf${query}`, { headers: { cookie: lawyer.cookie ?? '' } });
    expect(response.status).toBe(200);
    return readRsmf(Buffer.from(await response.arrayBuffer()));
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    [lawyer, lawyer2, admin, supervisor] = await Promise.all([
      signedIn(app.url!, 'lawyer@demo.test'),
      signedIn(app.url!, 'lawyer2@demo.test'),
      signedIn(app.url!, 'admin@demo.test'),
      signedIn(app.url!, 'supervisor@demo.test'),
    ]);
    matterId = (await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } })).id;
    ids.hello = await inbound('+15550100001', 'priv-1', 'Hello, the car is back at the dealer', '2026-11-03T15:00:00Z');
    ids.advice = await inbound('+15550100001', 'priv-2', 'Should I accept their settlement offer of $4,000?', '2026-11-03T15:05:00Z');
    ids.strategy = await inbound('+15550100001', 'priv-3', 'What are my chances if we go to trial?', '2026-11-03T15:10:00Z');
    // Leo's client, on another matter.
    otherMatterMessage = await inbound('+15550100002', 'priv-other', 'A message of another matter', '2026-11-03T15:20:00Z');
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('lets the matter\'s lawyer mark a message privileged, audited; refuses others and bad requests in words', async () => {
    const marked = await lawyer.request<{ marks: { id: string; messageId: string; privilege: string; markedBy: { name: string } }[] }>('POST', `/api/matters/${matterId}/privilege`, {
      body: { messageIds: [ids.advice], privilege: 'attorney_client', basis: 'The client asks counsel for legal advice', description: 'Client request for legal advice about a settlement offer' },
    });
    expect(marked.status).toBe(201);
    expect(marked.body.marks).toEqual([expect.objectContaining({ messageId: ids.advice, privilege: 'attorney_client', markedBy: expect.objectContaining({ name: 'Laura Lawyer' }) })]);
    const audit = await app.db.pool.query<{ details: Record<string, unknown> }>(`SELECT details FROM "AuditEvent" WHERE action = 'privilege.marked' AND "subjectId" = $1`, [matterId]);
    expect(audit.rows[0]?.details).toMatchObject({ messageIds: [ids.advice], privilege: 'attorney_client' });

    const body = { messageIds: [ids.hello], privilege: 'work_product', basis: 'prepared for litigation', description: 'note' };
    expect((await lawyer.request('POST', `/api/matters/${matterId}/privilege`, { body: { ...body, messageIds: [ids.advice] } })).status).toBe(409);
    expect((await lawyer2.request('POST', `/api/matters/${matterId}/privilege`, { body })).status).toBe(404);
    const byAdmin = await admin.request<{ message: string }>('POST', `/api/matters/${matterId}/privilege`, { body });
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.message).toBe('only a lawyer or supervisor on the matter can assert or withdraw privilege');
    const foreign = await lawyer.request<{ message: string }>('POST', `/api/matters/${matterId}/privilege`, { body: { ...body, messageIds: [otherMatterMessage] } });
    expect(foreign.status).toBe(404);
    expect(foreign.body.message).toBe(`no such message in this matter: ${otherMatterMessage}`);
    const both = await lawyer.request<{ message: string }>('POST', `/api/matters/${matterId}/privilege`, { body: { ...body, conversationId: 'x' } });
    expect(both.status).toBe(400);
    expect(both.body.message).toContain('give either messageIds or conversationId, not both');
    const noDescription = await lawyer.request('POST', `/api/matters/${matterId}/privilege`, { body: { ...body, description: '' } });
    expect(noDescription.status).toBe(400);
  });

  it('lists each withheld item in the privilege log, JSON and CSV, without its content; reading it is audited', async () => {
    const entries = await log();
    expect(entries).toEqual([
      expect.objectContaining({
        entry: 'PRIV-0001',
        messageId: ids.advice,
        date: '2026-11-03T15:05:00.000Z',
        author: 'Alice Avery',
        type: 'Simulated message',
        privilegeAsserted: 'Attorney-client privilege',
        basis: 'The client asks counsel for legal advice',
        description: 'Client request for legal advice about a settlement offer',
      }),
    ]);
    expect(entries[0]!.recipients).toHaveLength(1);
    expect(JSON.stringify(entries)).not.toContain('$4,000');
    const csv = await fetch(`${app.url}/api/matters/${matterId}/privilege-log?format=csv`, { headers: { cookie: lawyer.cookie ?? '' } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="privilege-log-M-0001.csv"');
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0]).toBe('Entry,Date (UTC),Author,Recipients,Type,Privilege asserted,Basis,Description,Control number');
    expect(lines[1]).toContain('PRIV-0001,2026-11-03T15:05:00.000Z,Alice Avery,');
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toContain('settlement offer of');
    const reads = await app.db.pool.query(`SELECT 1 FROM "AuditEvent" WHERE action = 'matter.privilege_log_read' AND "subjectId" = $1`, [matterId]);
    expect(reads.rowCount).toBeGreaterThanOrEqual(2);
    expect((await lawyer2.request('GET', `/api/matters/${matterId}/privilege-log`)).status).toBe(404);
  });

  it('withholds marked messages from RSMF productions unless asked, and from a search asked to exclude them', async () => {
    const produced = await rsmf('?from=2026-11-03&to=2026-11-03');
    expect(produced.manifest.events.map((e) => e.body)).toEqual(['Hello, the car is back at the dealer', 'What are my chances if we go to trial?']);
    expect(produced.mail.text).toContain('1 messages marked privileged are withheld');
    const internal = await rsmf('?from=2026-11-03&to=2026-11-03&privileged=include');
    expect(internal.manifest.events).toHaveLength(3);

    const search = async (privileged?: string) => {
      const response = await supervisor.request<{ items: { messageId: string }[] }>('GET', `/api/search?q=settlement${privileged ? `&privileged=${privileged}` : ''}`);
      expect(response.status).toBe(200);
      return response.body.items.map((hit) => hit.messageId);
    };
    expect(await search()).toContain(ids.advice);
    expect(await search('exclude')).not.toContain(ids.advice);
  });

  it('marks a whole conversation, and withdraws marks with a reason, once', async () => {
    const conversationId = (await app.db.prisma.message.findUniqueOrThrow({ where: { id: ids.hello! } })).conversationId;
    const whole = await supervisor.request<{ marks: { id: string; messageId: string | null }[] }>('POST', `/api/matters/${matterId}/privilege`, {
      body: { conversationId, privilege: 'work_product', basis: 'Prepared in anticipation of litigation', description: 'Client messages about the dispute' },
    });
    expect(whole.status).toBe(201);
    expect(whole.body.marks).toEqual([expect.objectContaining({ messageId: null })]);
    // Every message of the conversation is withheld now; the one marked on its own keeps its own mark's words.
    const entries = await log();
    expect(entries.map((e) => [e.messageId, e.privilegeAsserted])).toEqual([
      [ids.hello, 'Attorney work product'],
      [ids.advice, 'Attorney-client privilege'],
      [ids.strategy, 'Attorney work product'],
    ]);
    expect((await rsmf('?from=2026-11-03&to=2026-11-03')).manifest.events).toEqual([]);

    const marks = await lawyer.request<{ marks: { id: string; messageId: string | null }[] }>('GET', `/api/matters/${matterId}/privilege`);
    const conversationMark = marks.body.marks.find((m) => m.messageId === null)!;
    const noReason = await lawyer.request('DELETE', `/api/privilege/${conversationMark.id}`, { body: { reason: '' } });
    expect(noReason.status).toBe(400);
    const withdrawn = await lawyer.request('DELETE', `/api/privilege/${conversationMark.id}`, { body: { reason: 'Too broad: only the advice is privileged' } });
    expect(withdrawn.status).toBe(200);
    expect((await lawyer.request('DELETE', `/api/privilege/${conversationMark.id}`, { body: { reason: 'again' } })).status).toBe(409);
    expect((await log()).map((e) => e.messageId)).toEqual([ids.advice]);
    const stored = await app.db.prisma.privilegeMark.findUniqueOrThrow({ where: { id: conversationMark.id } });
    expect(stored).toMatchObject({ removedReason: 'Too broad: only the advice is privileged' });
    expect(stored.removedAt).not.toBeNull();
  });
});
