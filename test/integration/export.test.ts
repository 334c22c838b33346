import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../src/core/access/viewer.js';
import type { ExportManifest } from '../../src/core/export/export-matter.js';
import { prepareMatterExport } from '../../src/core/export/export-matter.js';
import type { MediaSource } from '../../src/core/export/media-source.js';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline, waitFor } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';
import type { ApiClient } from './auth-test-client.js';
import { signedIn } from './auth-test-client.js';
import { readZip } from './export-zip.js';
import { readPdfText } from './pdf-text.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Every file the manifest lists is in the ZIP with that hash and size, and the ZIP holds nothing unlisted. */
function verifyManifest(files: Map<string, Buffer>): ExportManifest {
  const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as ExportManifest;
  for (const file of manifest.files) {
    const bytes = files.get(file.path);
    expect(bytes, file.path).toBeDefined();
    expect(sha256(bytes!), file.path).toBe(file.sha256);
    expect(bytes!.length, file.path).toBe(file.size);
  }
  expect([...files.keys()].sort()).toEqual([...manifest.files.map((file) => file.path), 'manifest.json'].sort());
  return manifest;
}

async function download(client: ApiClient, path: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const response = await fetch(`${client.baseUrl}${path}`, { headers: { cookie: client.cookie ?? '' } });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

// A compliance officer exports a matter's complete record for a regulator, an insurer or opposing counsel.
describe('exporting a matter as a ZIP', () => {
  let database: TestDatabase;
  let app: RunningMatterline;
  let lawyer: ApiClient;
  let lawyer2: ApiClient;
  let matterId: string;
  let viewer: Viewer;

  const photo = randomBytes(20 * 1024);

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
    [lawyer, lawyer2] = await Promise.all([signedIn(app.url!, 'lawyer@demo.test'), signedIn(app.url!, 'lawyer2@demo.test')]);
    matterId = (await app.db.prisma.matter.findFirstOrThrow({ where: { number: 'M-0001' } })).id;
    const laura = await app.db.prisma.user.findUniqueOrThrow({ where: { email: 'lawyer@demo.test' } });
    viewer = { userId: laura.id, firmId: laura.firmId, role: 'lawyer' };
    // The photo arrives with the message; the warranty is one the provider lost before the record could keep it.
    for (const [text, item] of [
      ['The dealer says <b>no refund</b> & no repair', undefined],
      ['Photos of the dashboard', { data: photo.toString('base64'), mimeType: 'image/jpeg', fileName: '../../dash board.jpg' }],
      ['The warranty', { data: Buffer.from('%PDF-1.4 warranty').toString('base64'), mimeType: 'application/pdf', fileName: 'warranty.pdf' }],
    ] as const) {
      const response = await fetch(`${app.url}/api/simulator/demo/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: '+15550100001', text, backfilled: true, ...(item ? { media: [item] } : {}) }),
      });
      expect(response.status).toBe(202);
    }
    await app.db.pool.query(
      `UPDATE "Attachment" SET state = 'failed', "blobKey" = NULL, "keyId" = NULL, error = 'the provider refused the media (HTTP 404)' WHERE "fileName" = 'warranty.pdf'`,
    );
    await waitFor(async () => (await app.db.prisma.attachment.count({ where: { state: { in: ['stored', 'failed'] } } })) === 2, { what: 'the media downloads' });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('streams a ZIP whose manifest verifies against its files, with the stored media, and audits the export', async () => {
    const response = await download(lawyer, `/api/matters/${matterId}/export`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="matter-M-0001-\d{4}-\d{2}-\d{2}\.zip"$/);
    expect(response.headers.get('x-export-messages')).toBe('3');
    const files = await readZip(response.body);
    const manifest = verifyManifest(files);
    const stored = await app.db.prisma.attachment.findFirstOrThrow({ where: { fileName: '../../dash board.jpg' } });
    // The photo, decrypted from the record's blob store, under a name that cannot climb out of media/.
    const photoPath = `media/${stored.id}-dash_board.jpg`;
    expect(manifest.files.map((file) => file.path)).toEqual([photoPath, 'transcript.html', 'transcript.pdf', 'record.json']);
    expect(files.get(photoPath)).toEqual(photo);
    expect(manifest.files[0]).toMatchObject({ sha256: sha256(photo) });
    expect(manifest.files[0]).not.toHaveProperty('expectedSha256');
    // The document the provider no longer had is listed as missing, with its reason, rather than silently left out.
    expect(manifest.missingMedia).toEqual([expect.objectContaining({ fileName: 'warranty.pdf', reason: 'not downloaded (failed)' })]);
    expect(manifest.counts).toMatchObject({ messages: 3, media: 1, missingMedia: 1 });

    const transcript = files.get('transcript.html')!.toString('utf8');
    expect(transcript).toContain('The dealer says &lt;b&gt;no refund&lt;/b&gt; &amp; no repair');
    // Every event in words, never a state name or a JSON dump.
    expect(transcript).toContain('Consent recorded at intake: opted in');
    expect(transcript).not.toMatch(/\{&quot;|\{"|opted_in/);
    expect(transcript).toContain(`<a href="${photoPath}" download rel="noopener noreferrer">`);
    // Nothing in it may run, even if a client's text got past the escaping.
    expect(transcript).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(transcript).toContain('warranty.pdf <span class="missing">(not in this export; see manifest.json)</span>');
    // The same transcript as a PDF, read back by pdf.js: the events in words, in the firm's time zone, the file named.
    const pdf = await readPdfText(files.get('transcript.pdf')!);
    const pdfText = pdf.pages.join('\n');
    expect(pdf.info).toMatchObject({ Title: expect.stringContaining('M-0001'), Author: 'Demo Law LLP' });
    expect(pdfText).toContain('The dealer says <b>no refund</b> & no repair');
    expect(pdfText).toContain('Consent recorded at intake: opted in');
    // (a long path wraps where pdfkit may break it)
    expect(pdfText.replace(/\n/g, '')).toContain(`in this export as ${photoPath}`);
    expect(pdfText).toContain('warranty.pdf — not in this export (see manifest.json)');
    expect(pdfText).toMatch(/E[SD]T/);
    expect(pdfText).not.toMatch(/opted_in|\{"/);
    const record = JSON.parse(files.get('record.json')!.toString('utf8')) as { matter: { number: string }; timeline: { kind: string; data: { text?: string } }[] };
    expect(record.matter.number).toBe('M-0001');
    expect(record.timeline.filter((item) => item.kind === 'message').map((item) => item.data.text)).toEqual([
      'The dealer says <b>no refund</b> & no repair',
      'Photos of the dashboard',
      'The warranty',
    ]);

    const audit = await app.db.prisma.auditEvent.findMany({ where: { subjectId: matterId, action: { startsWith: 'matter.export' } }, orderBy: { id: 'asc' } });
    expect(audit.map((event) => event.action)).toEqual(['matter.export_started', 'matter.exported']);
    // The log holds the hash of the manifest the recipient has.
    expect(audit[1]!.details).toMatchObject({ manifestSha256: sha256(files.get('manifest.json')!), messages: 3 });
  });

  it('gives the transcript alone as a PDF, audited with its hash, in the firm\'s time zone and in Spanish where the client wrote it', async () => {
    await app.db.pool.query(`UPDATE "Firm" SET "timeZone" = 'Europe/Madrid'`);
    const sent = await fetch(`${app.url}/api/simulator/demo/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+15550100001', text: 'Mañana envío el contrato, señora García — ¿está bien? 👍', backfilled: true }),
    });
    expect(sent.status).toBe(202);
    await waitFor(async () => (await app.db.prisma.message.count({ where: { text: { startsWith: 'Mañana' } } })) === 1);
    try {
      const response = await download(lawyer, `/api/matters/${matterId}/transcript.pdf`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="transcript-M-0001-\d{4}-\d{2}-\d{2}\.pdf"$/);
      expect(response.body.subarray(0, 5).toString()).toBe('%PDF-');
      const pdf = await readPdfText(response.body);
      const text = pdf.pages.join('\n');
      // The accents come through the embedded font; every page carries the matter and its number.
      expect(text).toContain('Mañana envío el contrato, señora García — ¿está bien?');
      expect(text).toMatch(/\d{2}:\d{2} GMT\+1\n/);
      expect(text).toContain('Times are in Europe/Madrid.');
      pdf.pages.forEach((page, index) => expect(page).toContain(`M-0001 — Avery v. Northwind Motors (lemon law) · Demo Law LLP · page ${index + 1}`));
      const audit = await app.db.prisma.auditEvent.findFirstOrThrow({ where: { subjectId: matterId, action: 'matter.exported' }, orderBy: { id: 'desc' } });
      expect(audit.details).toMatchObject({ format: 'pdf', sha256: sha256(response.body), bytes: response.body.length });
      expect((await download(lawyer2, `/api/matters/${matterId}/transcript.pdf`)).status).toBe(404);
    } finally {
      await app.db.pool.query(`UPDATE "Firm" SET "timeZone" = 'America/New_York'`);
    }
  });

  it('is a 404 for those who may not see the matter', async () => {
    expect((await download(lawyer2, `/api/matters/${matterId}/export`)).status).toBe(404);
    expect((await download(lawyer, `/api/matters/${matterId}/export?format=pdf`)).status).toBe(400);
  });

  it('keeps a stored hash that does not match the bytes visible in the manifest', async () => {
    const photoRow = await app.db.prisma.attachment.findFirstOrThrow({ where: { fileName: '../../dash board.jpg' } });
    await app.db.prisma.attachment.update({ where: { id: photoRow.id }, data: { sha256: sha256('something else') } });
    const source: MediaSource = { open: (m) => Promise.resolve(m.id === photoRow.id ? Readable.from([photo]) : null), whyMissing: () => 'gone' };
    const chunks: Buffer[] = [];
    const output = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk), done()) });
    const prepared = await prepareMatterExport({ pool: app.db.pool, viewer, matterId, media: source });
    const manifest = await prepared.write(output);
    const files = await readZip(Buffer.concat(chunks));
    expect(verifyManifest(files)).toEqual(manifest);
    expect(manifest.files[0]).toMatchObject({ sha256: sha256(photo), expectedSha256: sha256('something else') });
    expect(manifest.missingMedia.map((m) => [m.fileName, m.reason])).toEqual([['warranty.pdf', 'gone']]);
  });

  it('exports a matter of 10,000 messages a page at a time, streaming before the last page is read', async () => {
    const laura = await app.db.prisma.user.findUniqueOrThrow({ where: { email: 'lawyer@demo.test' } });
    const client = await app.db.prisma.client.create({ data: { firmId: laura.firmId, name: 'Big Case Client' } });
    const big = await app.db.prisma.matter.create({
      data: { firmId: laura.firmId, clientId: client.id, number: 'M-9000', title: 'A long matter', members: { create: [{ userId: laura.id }] } },
    });
    const identity = await app.db.prisma.contactIdentity.create({ data: { firmId: laura.firmId, accountId: 'demo', address: '+15559990000', clientId: client.id } });
    const conversation = await app.db.prisma.conversation.create({
      data: { firmId: laura.firmId, accountId: 'demo', externalId: '+15559990000', identityId: identity.id, matterId: big.id, needsTriage: false },
    });
    await app.db.pool.query(
      `INSERT INTO "Message" (id, "firmId", "accountId", "conversationId", "identityId", direction, kind, text, status, "capturedAt")
       SELECT gen_random_uuid()::text, $1, 'demo', $2, $3, CASE WHEN g % 2 = 0 THEN 'inbound' ELSE 'outbound' END::"MessageDirection",
              'text', 'Message ' || g || ': ' || repeat('about the long matter ', 40), 'received', now() - make_interval(secs => 20000 - g)
         FROM generate_series(1, 10000) g`,
      [laura.firmId, conversation.id, identity.id],
    );

    // A pool of the test's own that counts the rows each query fetched.
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    const stats = { queries: 0, maxRows: 0, rowsAtFirstByte: -1, rows: 0 };
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
    (pool as unknown as { query: typeof query }).query = async (...args: unknown[]) => {
      const result = await query(...args);
      stats.queries++;
      stats.rows += result.rows.length;
      stats.maxRows = Math.max(stats.maxRows, result.rows.length);
      return result;
    };
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (stats.rowsAtFirstByte < 0) stats.rowsAtFirstByte = stats.rows;
        hash.update(chunk);
        chunks.push(chunk);
        done();
      },
    });
    try {
      const prepared = await prepareMatterExport({ pool, viewer, matterId: big.id, pageSize: 500 });
      const manifest = await prepared.write(output);
      expect(manifest.counts.messages).toBe(10_000);
      // No query fetched more than a page (+1 row to know there is a next one); the transcript and the record each
      // walked the 10,000 messages in at least 20 pages.
      expect(stats.maxRows).toBeLessThanOrEqual(501);
      expect(stats.queries).toBeGreaterThanOrEqual(40);
      expect(stats.rows).toBeGreaterThanOrEqual(20_000);
      // Bytes left for the reader long before the last page was fetched: it streams rather than builds the ZIP first.
      expect(stats.rowsAtFirstByte).toBeGreaterThanOrEqual(0);
      expect(stats.rowsAtFirstByte).toBeLessThan(stats.rows / 2);
    } finally {
      await pool.end();
    }
    const files = await readZip(Buffer.concat(chunks));
    verifyManifest(files);
    const record = JSON.parse(files.get('record.json')!.toString('utf8')) as { timeline: { kind: string }[] };
    expect(record.timeline.filter((item) => item.kind === 'message' || item.kind === 'auto_reply')).toHaveLength(10_000);
    await waitFor(async () => (await app.db.prisma.auditEvent.count({ where: { subjectId: big.id, action: 'matter.exported' } })) === 1);
  });
});
