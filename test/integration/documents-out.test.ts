import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import type { FakeProvider, ProviderAnswer, ReceivedRequest } from '../bridges/support/fake-provider.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';

// A lawyer sends documents from the inbox API (multipart/form-data: text and up to 10 files) on each kind of channel
// a firm runs as a webhook or demo channel: the simulator, the WhatsApp Cloud API (uploaded to /media, sent by id,
// one file per message) and Twilio MMS (MediaUrl: a signed, expiring link that Twilio fetches from Matterline). The
// files are in the record like inbound media: the same blob store, the same hash. Limits are refused before anything
// is stored, with the file and the limit named. (Signal, Baileys and whatsapp-web.js: test/bridges/socket.)

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(40_000)]);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(20_000)]);

function form(fields: Record<string, string>, files: { name: string; type: string; data: Buffer; field?: string }[]): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  for (const file of files) body.append(file.field ?? 'files', new Blob([file.data], { type: file.type }), file.name);
  return body;
}

interface Sent {
  id: string;
  status: string;
  moreMessageIds: string[];
}

describe('documents out through every channel', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let lawyer: ApiClient;
  let graph: FakeProvider;
  let twilio: FakeProvider;
  const uploads: { type: string | null; file: { name: string; type: string; data: Buffer } }[] = [];
  const twilioFetches: { url: string; status: number; data: Buffer }[] = [];
  const conversations: Record<'simulator' | 'cloud' | 'twilio', string> = { simulator: '', cloud: '', twilio: '' };
  const accountSid = `AC${'1'.repeat(32)}`;
  const twilioPublicUrl = 'https://matterline.firm.example/webhooks/twilio/sms-docs';

  /** Meta's Graph API: /media takes a multipart upload and answers its id; /messages sends by that id. */
  async function graphAnswer(request: ReceivedRequest): Promise<ProviderAnswer> {
    if (request.headers.authorization !== 'Bearer cloud-token') return { status: 401, json: { error: { message: 'Invalid OAuth access token.', code: 190 } } };
    if (request.path === '/v21.0/1099887766/media') {
      const parsed = await new Request('http://x/', { method: 'POST', headers: { 'content-type': request.headers['content-type']! }, body: request.body }).formData();
      const file = parsed.get('file');
      if (parsed.get('messaging_product') !== 'whatsapp' || !(file instanceof File)) return { status: 400, json: { error: { message: '(#100) file and messaging_product are required', code: 100 } } };
      uploads.push({ type: parsed.get('type') as string | null, file: { name: file.name, type: file.type, data: Buffer.from(await file.arrayBuffer()) } });
      return { status: 200, json: { id: `media-${uploads.length}` } };
    }
    if (request.path === '/v21.0/1099887766/messages') return { status: 200, json: { messaging_product: 'whatsapp', messages: [{ id: `wamid.doc-${randomBytes(4).toString('hex')}` }] } };
    return { status: 404, json: { error: { message: 'unknown path', code: 803 } } };
  }

  /** Twilio's Messages API: with MediaUrl it fetches each file (here from the test server) before it answers. */
  async function twilioAnswer(request: ReceivedRequest): Promise<ProviderAnswer> {
    const body = new URLSearchParams(request.body.toString('utf8'));
    const media = body.getAll('MediaUrl');
    if (!body.get('Body') && media.length === 0) return { status: 400, json: { code: 21602, message: 'Message body is required.' } };
    for (const url of media) {
      const public_ = new URL(url);
      const response = await fetch(`${app.url}${public_.pathname}${public_.search}`);
      twilioFetches.push({ url, status: response.status, data: Buffer.from(await response.arrayBuffer()) });
      if (!response.ok) return { status: 400, json: { code: 11200, message: `HTTP retrieval failure: ${response.status}` } };
    }
    return { status: 201, json: { sid: `MM${randomBytes(16).toString('hex')}`, status: 'queued', num_media: String(media.length) } };
  }

  const messagesOf = (conversationId: string) => app.db.prisma.message.findMany({ where: { conversationId }, include: { attachments: true }, orderBy: { capturedAt: 'asc' } });
  /** The message once its send is over: sent (or delivered and read, which the simulator reports at once), or failed. */
  const sentStatus = (id: string) =>
    waitFor(async () => {
      const row = await app.db.prisma.message.findUnique({ where: { id } });
      return row && ['sent', 'delivered', 'read', 'failed'].includes(row.status) ? row : null;
    }, { what: `message ${id} to be sent` });
  const wasSent = (status: string) => ['sent', 'delivered', 'read'].includes(status);

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    // The fake providers answer asynchronously (they parse and fetch): wrap the synchronous FakeProvider contract.
    graph = await startAsyncProvider(graphAnswer);
    twilio = await startAsyncProvider(twilioAnswer);
    const admin = await signedIn(app.url!, 'admin@demo.test');
    lawyer = await signedIn(app.url!, 'lawyer@demo.test');
    const cloud = await admin.post<{ id: string }>('/api/admin/accounts', {
      kind: 'whatsapp-cloud',
      name: 'WhatsApp',
      config: { phoneNumberId: '1099887766', accessToken: 'cloud-token', appSecret: 's', verifyToken: 'v', graphBaseUrl: `${graph.url}/v21.0` },
    });
    const sms = await admin.post<{ id: string }>('/api/admin/accounts', {
      kind: 'twilio',
      name: 'SMS',
      config: { accountSid, authToken: 'tw-token', phoneNumber: '+13175550000', publicUrl: twilioPublicUrl, apiBaseUrl: twilio.url },
    });
    const firm = await app.db.prisma.firm.findFirstOrThrow();
    const matter = await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } });
    const open = async (accountId: string, address: string) => {
      const identity = await app.db.prisma.contactIdentity.create({ data: { firmId: firm.id, accountId, address, consentState: 'opted_in', clientId: matter.clientId } });
      const conversation = await app.db.prisma.conversation.create({
        data: { firmId: firm.id, accountId, externalId: address, identityId: identity.id, matterId: matter.id, needsTriage: false, lastInboundAt: new Date() },
      });
      return conversation.id;
    };
    conversations.simulator = await open('demo', '+15550107001');
    conversations.cloud = await open(cloud.body.id, '+15550107002');
    conversations.twilio = await open(sms.body.id, '+15550107003');
  }, 120_000);

  afterAll(async () => {
    await graph?.stop();
    await twilio?.stop();
    await app?.stop();
    await database?.drop();
  });

  it('stores the files with the message, sends them, and the client’s phone shows them (simulator)', async () => {
    const sent = await lawyer.postForm<Sent>(
      `/api/conversations/${conversations.simulator}/messages`,
      form({ text: 'The contract and the photo you asked for', idempotencyKey: 'docs-sim-1' }, [
        { name: 'Contract – signed.pdf', type: 'application/pdf', data: pdf },
        { name: 'site.png', type: 'image/png', data: png },
      ]),
    );
    expect(sent.status).toBe(202);
    expect(sent.body.moreMessageIds).toEqual([]);
    const [message] = (await messagesOf(conversations.simulator)).filter((m) => m.id === sent.body.id);
    expect(message).toMatchObject({ direction: 'outbound', kind: 'document', text: 'The contract and the photo you asked for' });
    expect(message!.attachments.map((a) => ({ fileName: a.fileName, mimeType: a.mimeType, size: a.size, sha256: a.sha256, state: a.state })).sort((a, b) => a.fileName!.localeCompare(b.fileName!))).toEqual([
      { fileName: 'Contract – signed.pdf', mimeType: 'application/pdf', size: pdf.length, sha256: sha256(pdf), state: 'stored' },
      { fileName: 'site.png', mimeType: 'image/png', size: png.length, sha256: sha256(png), state: 'stored' },
    ]);
    // The same store and hash as inbound media: the lawyer opens the file back from the record.
    const attachment = message!.attachments.find((a) => a.fileName === 'site.png')!;
    const opened = await fetch(`${app.url}/api/attachments/${attachment.id}`, { headers: { cookie: lawyer.cookie! } });
    expect(Buffer.from(await opened.arrayBuffer()).equals(png)).toBe(true);
    expect(wasSent((await sentStatus(sent.body.id)).status)).toBe(true);
    const phone = (await (await fetch(`${app.url}/api/simulator/demo/phones/${encodeURIComponent('+15550107001')}`)).json()) as { text: string; media: { fileName: string; sha256: string }[] }[];
    expect(phone.at(-1)).toMatchObject({
      text: 'The contract and the photo you asked for',
      media: [expect.objectContaining({ fileName: 'Contract – signed.pdf', sha256: sha256(pdf) }), expect.objectContaining({ fileName: 'site.png', sha256: sha256(png) })],
    });
    // The same key again stores nothing new.
    const again = await lawyer.postForm<Sent & { duplicate: boolean }>(
      `/api/conversations/${conversations.simulator}/messages`,
      form({ text: 'The contract and the photo you asked for', idempotencyKey: 'docs-sim-1' }, [{ name: 'Contract – signed.pdf', type: 'application/pdf', data: pdf }]),
    );
    expect(again.body).toMatchObject({ id: sent.body.id, duplicate: true });
  });

  it('uploads each file to the Cloud API’s /media and sends it by id, one message per file, the text as the first caption', async () => {
    const sent = await lawyer.postForm<Sent>(
      `/api/conversations/${conversations.cloud}/messages`,
      form({ text: 'Here is the agreement' }, [
        { name: 'Agreement.pdf', type: 'application/pdf', data: pdf },
        { name: 'diagram.png', type: 'image/png', data: png },
      ]),
    );
    expect(sent.status).toBe(202);
    expect(sent.body.moreMessageIds).toHaveLength(1);
    const [first, second] = [await sentStatus(sent.body.id), await sentStatus(sent.body.moreMessageIds[0]!)];
    expect([first.status, second.status]).toEqual(['sent', 'sent']);
    expect(uploads.map((u) => ({ type: u.type, name: u.file.name, sha: sha256(u.file.data) }))).toEqual([
      { type: 'application/pdf', name: 'Agreement.pdf', sha: sha256(pdf) },
      { type: 'image/png', name: 'diagram.png', sha: sha256(png) },
    ]);
    const sends = graph.received.filter((r) => r.request.path.endsWith('/messages')).map((r) => JSON.parse(r.request.body.toString('utf8')) as Record<string, unknown>);
    expect(sends).toEqual([
      expect.objectContaining({ to: '15550107002', type: 'document', document: { id: 'media-1', caption: 'Here is the agreement', filename: 'Agreement.pdf' }, biz_opaque_callback_data: sent.body.id }),
      expect.objectContaining({ to: '15550107002', type: 'image', image: { id: 'media-2' }, biz_opaque_callback_data: sent.body.moreMessageIds[0] }),
    ]);
    const stored = await messagesOf(conversations.cloud);
    expect(stored.map((m) => [m.kind, m.text, m.attachments.map((a) => a.sha256)])).toEqual([
      ['document', 'Here is the agreement', [sha256(pdf)]],
      ['image', null, [sha256(png)]],
    ]);
  });

  it('refuses what the channel does not take, naming the file and the limit, and stores nothing', async () => {
    const before = await app.db.prisma.message.count({ where: { conversationId: conversations.cloud } });
    const big = Buffer.alloc(6 * 1024 * 1024, 1);
    const tooBig = await lawyer.postForm<{ error: string; message: string }>(`/api/conversations/${conversations.cloud}/messages`, form({ text: 'photo' }, [{ name: 'scan.png', type: 'image/png', data: big }]));
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.message).toBe('files[0]: "scan.png" is 6 MB; WhatsApp (Cloud API) takes image/png files up to 5 MB');
    const zip = await lawyer.postForm<{ message: string }>(`/api/conversations/${conversations.cloud}/messages`, form({}, [{ name: 'bundle.zip', type: 'application/zip', data: randomBytes(100) }]));
    expect(zip.status).toBe(400);
    expect(zip.body.message).toBe('files[0]: "bundle.zip": WhatsApp (Cloud API) does not take application/zip files');
    const eleven = Array.from({ length: 11 }, (_, i) => ({ name: `p${i}.pdf`, type: 'application/pdf', data: pdf.subarray(0, 100) }));
    const tooMany = await lawyer.postForm<{ message: string }>(`/api/conversations/${conversations.cloud}/messages`, form({}, eleven));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toMatch(/at most 10 files/);
    const twilioTotal = await lawyer.postForm<{ message: string }>(
      `/api/conversations/${conversations.twilio}/messages`,
      form({}, [{ name: 'a.jpg', type: 'image/jpeg', data: Buffer.alloc(3 * 1024 * 1024, 2) }, { name: 'b.jpg', type: 'image/jpeg', data: Buffer.alloc(3 * 1024 * 1024, 3) }]),
    );
    expect(twilioTotal.status).toBe(400);
    expect(twilioTotal.body.message).toBe('files: the files come to 6 MB; MMS through Twilio takes at most 5 MB in one message');
    expect(await app.db.prisma.message.count({ where: { conversationId: conversations.cloud } })).toBe(before);
  });

  it('gives Twilio a signed, expiring link to each file, which Twilio fetches from Matterline; the link opens nothing else', async () => {
    const sent = await lawyer.postForm<Sent>(`/api/conversations/${conversations.twilio}/messages`, form({ text: 'Signed retainer attached' }, [{ name: 'Retainer.pdf', type: 'application/pdf', data: pdf }]));
    expect(sent.status).toBe(202);
    expect((await sentStatus(sent.body.id)).status).toBe('sent');
    const request = new URLSearchParams(twilio.received.at(-1)!.request.body.toString('utf8'));
    expect(request.get('Body')).toBe('Signed retainer attached');
    const link = new URL(request.getAll('MediaUrl')[0]!);
    expect(link.origin).toBe('https://matterline.firm.example');
    expect(twilioFetches.at(-1)).toMatchObject({ status: 200 });
    expect(sha256(twilioFetches.at(-1)!.data)).toBe(sha256(pdf));
    const audited = await app.db.pool.query(`SELECT 1 FROM "AuditEvent" WHERE action = 'attachment.fetched_by_provider'`);
    expect(audited.rowCount).toBeGreaterThanOrEqual(1);

    const tampered = new URL(link);
    tampered.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 3600));
    expect((await fetch(`${app.url}${tampered.pathname}${tampered.search}`)).status).toBe(403);
    // The signature of one file does not open another.
    const other = (await app.db.prisma.attachment.findFirstOrThrow({ where: { message: { conversationId: conversations.simulator } } })).id;
    expect((await fetch(`${app.url}/media/outbound/${other}${link.search}`)).status).toBe(403);
    expect((await fetch(`${app.url}${link.pathname}`)).status).toBe(403);
  });

  it('refuses malformed forms with a 4xx naming the problem', async () => {
    const path = `/api/conversations/${conversations.simulator}/messages`;
    const cases: [string, FormData, number, RegExp][] = [
      ['neither text nor files', form({ whenClosed: 'hold' }, []), 400, /give text, files, or both/],
      ['an unknown field', form({ text: 'x', priority: 'high' }, []), 400, /priority: not a field of this form/],
      ['a file in another field', form({ text: 'x' }, [{ name: 'a.pdf', type: 'application/pdf', data: pdf, field: 'attachment' }]), 400, /files go in the field "files"/],
      ['a file without a name', form({ text: 'x' }, [{ name: '', type: 'application/pdf', data: pdf }]), 400, /each file needs a name/],
      ['a bad whenClosed', form({ text: 'x', whenClosed: 'later' }, []), 400, /body\.whenClosed/],
    ];
    for (const [what, body, status, message] of cases) {
      const answer = await lawyer.postForm<{ message: string }>(path, body);
      expect(answer.status, what).toBe(status);
      expect(answer.body.message, what).toMatch(message);
    }
    // A JSON reply still works as before.
    expect((await lawyer.post(path, { text: 'Plain text still works' })).status).toBe(202);
  });
});

/** startFakeProvider with an answer that may take time (parse a multipart body, fetch a URL). */
async function startAsyncProvider(answer: (request: ReceivedRequest) => Promise<ProviderAnswer>): Promise<FakeProvider> {
  const { createServer } = await import('node:http');
  const received: FakeProvider['received'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      void answer(request)
        .catch((error: unknown) => ({ status: 500, json: { error: String(error) } }) as ProviderAnswer)
        .then((reply) => {
          received.push({ request, answer: reply });
          res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
