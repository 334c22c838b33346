import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import { twilioSignature } from '../../src/bridges/twilio/twilio-signature.js';
import { signedIn } from './auth-test-client.js';

// A client sends a photo: the record keeps its own encrypted copy (provider links expire), and the lawyer opens it.
// The simulator hands the bytes over inline; a provider (Twilio here) gives a URL that the media job fetches.
describe('media kept in the record', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let media: Server;
  let mediaUrl: string;
  const photo = randomBytes(48 * 1024);
  let requests = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    media = createServer((req, res) => {
      if (req.url?.includes('/Media/')) requests++;
      if (req.url?.includes('/Media/')) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo);
    });
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
    const address = media.address();
    mediaUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await app?.stop();
    media?.close();
    await database?.drop();
  });

  const send = async (body: unknown) => {
    const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { id: string };
  };

  it('keeps the photo encrypted, and lets its lawyer (only) open it', async () => {
    const { id } = await send({ from: '+15550100001', text: 'Photo of the damage', media: [{ data: photo.toString('base64'), mimeType: 'image/jpeg', fileName: 'damage.jpg' }] });
    const attachment = await waitFor(
      async () => {
        const row = await app.db.prisma.attachment.findFirst({ where: { messageId: id } });
        return row?.state === 'stored' ? row : null;
      },
      { what: 'the photo to be stored' },
    );
    const sha256 = createHash('sha256').update(photo).digest('hex');
    expect(attachment).toMatchObject({ sha256, size: photo.length, fileName: 'damage.jpg', blobKey: sha256 });
    expect(await app.db.prisma.message.findUniqueOrThrow({ where: { id } })).toMatchObject({ kind: 'image' });

    // At rest the bytes are not the photo's.
    const blob = await app.db.pool.query<{ data: Buffer }>(`SELECT data FROM "Blob" WHERE id = $1`, [sha256]);
    expect(blob.rows[0]!.data.includes(photo.subarray(0, 64))).toBe(false);

    const lawyer = await signedIn(app.url!, 'lawyer@demo.test');
    const opened = await fetch(`${app.url}/api/attachments/${attachment.id}`, { headers: { cookie: lawyer.cookie! } });
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await opened.arrayBuffer()).equals(photo)).toBe(true);
    expect(await app.db.prisma.auditEvent.count({ where: { action: 'attachment.opened', subjectId: attachment.id } })).toBe(1);
    // Reading the client's document is time on the matter.
    const activities = await app.db.prisma.activity.findMany({ where: { messageId: id, kind: 'document_opened' } });
    expect(activities).toHaveLength(1);

    const other = await signedIn(app.url!, 'lawyer2@demo.test');
    expect((await fetch(`${app.url}/api/attachments/${attachment.id}`, { headers: { cookie: other.cookie! } })).status).toBe(404);
    expect((await fetch(`${app.url}/api/attachments/${attachment.id}`)).status).toBe(401);
  });

  it('serves a file a browser would run (HTML, SVG) as a download of plain bytes, never inline', async () => {
    const lawyer = await signedIn(app.url!, 'lawyer@demo.test');
    for (const [fileName, mimeType] of [['invoice.html', 'text/html'], ['logo.svg', 'image/svg+xml'], ['x.xml', 'application/xml']] as const) {
      const page = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg"><script>fetch('/api/conversations')</script></svg>`);
      const { id } = await send({ from: '+15550100001', text: `see ${fileName}`, media: [{ data: page.toString('base64'), mimeType, fileName }] });
      const attachment = await app.db.prisma.attachment.findFirstOrThrow({ where: { messageId: id } });
      const opened = await fetch(`${app.url}/api/attachments/${attachment.id}`, { headers: { cookie: lawyer.cookie! } });
      expect(opened.status).toBe(200);
      expect(opened.headers.get('content-type')).toBe('application/octet-stream');
      expect(opened.headers.get('content-disposition')).toBe(`attachment; filename="${fileName}"`);
      expect(opened.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await opened.arrayBuffer()).equals(page)).toBe(true);
    }
  });

  it('marks a file the provider no longer has as failed, with the reason, and does not retry it forever', async () => {
    // A Twilio account whose API (and so its media) is the local double; Twilio posts an MMS pointing at a gone file.
    const accountSid = `AC${'3'.repeat(32)}`;
    const authToken = 'media-store-token';
    const publicUrl = 'https://firm.example/webhooks/twilio/sms-media';
    const admin = await signedIn(app.url!, 'admin@demo.test');
    const added = await admin.post<{ id: string }>('/api/admin/accounts', {
      kind: 'twilio',
      name: 'SMS',
      config: { accountSid, authToken, phoneNumber: '+15550109999', publicUrl, apiBaseUrl: mediaUrl },
    });
    expect(added.status).toBe(201);
    const gone = `${mediaUrl}/2010-04-01/Accounts/${accountSid}/Messages/MM${'4'.repeat(32)}/Media/ME${'5'.repeat(32)}`;
    const params: [string, string][] = [
      ['MessageSid', `MM${'4'.repeat(32)}`],
      ['AccountSid', accountSid],
      ['From', '+15550100001'],
      ['To', '+15550109999'],
      ['Body', 'old pic'],
      ['NumMedia', '1'],
      ['MediaUrl0', gone],
      // A malformed type (with a header smuggled in) is kept as plain bytes, never a stored 500.
      ['MediaContentType0', 'image/jpeg\r\nX-Injected: 1'],
    ];
    const before = requests;
    const posted = await fetch(`${app.url}/webhooks/twilio/${added.body.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(authToken, publicUrl, params) },
      body: new URLSearchParams(params).toString(),
    });
    expect(posted.status).toBe(200);
    const message = await app.db.prisma.message.findFirstOrThrow({ where: { providerMessageId: `MM${'4'.repeat(32)}` } });
    const attachment = await waitFor(
      async () => {
        const row = await app.db.prisma.attachment.findFirst({ where: { messageId: message.id } });
        return row?.state === 'failed' ? row : null;
      },
      { what: 'the attachment to be marked failed' },
    );
    expect(attachment.error).toMatch(/404|no longer|not/i);
    expect(attachment.mimeType).toBe('application/octet-stream');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(requests - before).toBe(1);
  });
});
