import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { startTestMatterline } from '../support/matterline.js';
import type { TestDatabase } from '../support/test-database.js';
import { createTestDatabase } from '../support/test-database.js';

// Bad input gets a clear 4xx with a JSON body naming the problem, and nothing is stored.
describe('the simulator endpoint refuses bad input and stores nothing', () => {
  let database: TestDatabase;
  let app: RunningMatterline;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestMatterline({ databaseUrl: database.url, queue: 'redis' });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const counts = async () => {
    const result = await app.db.pool.query<{ messages: number; identities: number; conversations: number; outbox: number }>(
      `SELECT (SELECT count(*)::int FROM "Message") AS messages, (SELECT count(*)::int FROM "ContactIdentity") AS identities,
              (SELECT count(*)::int FROM "Conversation") AS conversations, (SELECT count(*)::int FROM "Outbox") AS outbox`,
    );
    return result.rows[0]!;
  };

  /** Sends raw bytes, so the test controls exactly what goes on the wire. */
  const post = (path: string, body: Buffer | string, contentType = 'application/json') =>
    new Promise<{ status: number; json: { error: string; message: string; details?: unknown } }>((resolve, reject) => {
      const url = new URL(path, app.url);
      const req = request(
        url,
        { method: 'POST', headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
            } catch (error) {
              reject(error as Error);
            }
          });
        },
      );
      // The server may answer 413 and close before reading a huge body; that is its right.
      req.on('error', reject);
      req.end(body);
    });

  const cases: { name: string; body: Buffer | string; status: number; error: string; mentions: RegExp; contentType?: string; path?: string }[] = [
    { name: 'an empty object', body: '{}', status: 400, error: 'bad_request', mentions: /body\.from/ },
    { name: 'no text and no media', body: '{"from":"+15550100001"}', status: 400, error: 'bad_request', mentions: /body\.text/ },
    { name: 'from as a number', body: '{"from":15550100001,"text":"hi"}', status: 400, error: 'bad_request', mentions: /body\.from/ },
    { name: 'from not a phone number', body: '{"from":"alice","text":"hi"}', status: 400, error: 'bad_request', mentions: /E\.164/ },
    { name: 'text as an array', body: '{"from":"+15550100001","text":["hi"]}', status: 400, error: 'bad_request', mentions: /body\.text/ },
    { name: 'id as an object', body: '{"from":"+15550100001","text":"hi","id":{}}', status: 400, error: 'bad_request', mentions: /body\.id/ },
    { name: 'an unknown field', body: '{"from":"+15550100001","text":"hi","frm":"x"}', status: 400, error: 'bad_request', mentions: /frm/ },
    { name: 'media without its bytes', body: '{"from":"+15550100001","media":[{"mimeType":"image/png"}]}', status: 400, error: 'bad_request', mentions: /body\.media\.0\.data/ },
    { name: 'media as a URL (never fetched)', body: '{"from":"+15550100001","media":[{"url":"http://127.0.0.1:5432/","mimeType":"image/png"}]}', status: 400, error: 'bad_request', mentions: /url/ },
    { name: 'text over 4096 characters', body: JSON.stringify({ from: '+15550100001', text: 'x'.repeat(4097) }), status: 400, error: 'bad_request', mentions: /4096/ },
    { name: 'a JSON array', body: '[1,2]', status: 400, error: 'bad_request', mentions: /body/ },
    { name: 'broken JSON', body: '{"from": "+15550100001", "text": ', status: 400, error: 'invalid_json', mentions: /not valid JSON/ },
    { name: 'no body at all', body: '', status: 400, error: 'bad_request', mentions: /JSON body/ },
    {
      name: 'invalid UTF-8',
      body: Buffer.concat([Buffer.from('{"from":"+15550100001","text":"caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
      status: 400,
      error: 'invalid_utf8',
      mentions: /UTF-8/,
    },
    { name: 'a form instead of JSON', body: 'from=%2B15550100001&text=hi', status: 415, error: 'unsupported_media_type', mentions: /application\/json/, contentType: 'application/x-www-form-urlencoded' },
    {
      // Inline media makes room for one file's base64 (16 MB of file); a body past that is refused before parsing.
      name: 'a 30 MB body',
      body: JSON.stringify({ from: '+15550100001', text: 'x'.repeat(30 * 1024 * 1024) }),
      status: 413,
      error: 'payload_too_large',
      mentions: /larger than/,
    },
    { name: 'an unknown account', body: '{"from":"+15550100001","text":"hi"}', status: 404, error: 'not_found', mentions: /nope/, path: '/api/simulator/nope/inbound' },
    // Found by the fuzz test: each of these was a 500.
    { name: 'a NUL character in the text', body: '{"from":"+15550100001","text":"a\\u0000b"}', status: 400, error: 'bad_request', mentions: /body\.text.*NUL/ },
    { name: 'an unpaired surrogate in the name', body: '{"from":"+15550100001","text":"hi","name":"\\ud83d"}', status: 400, error: 'bad_request', mentions: /body\.name/ },
    { name: 'an account id that is not valid percent-encoding', body: '{"from":"+15550100001","text":"hi"}', status: 400, error: 'bad_request', mentions: /decode/i, path: '/api/simulator/%FF/inbound' },
  ];

  it.each(cases)('$name: $status $error', async (testCase) => {
    const before = await counts();
    const response = await post(testCase.path ?? '/api/simulator/demo/inbound', testCase.body, testCase.contentType);
    expect(response.status).toBe(testCase.status);
    expect(response.json.error).toBe(testCase.error);
    expect(`${response.json.message} ${JSON.stringify(response.json.details ?? {})}`).toMatch(testCase.mentions);
    expect(await counts()).toEqual(before);
  });

  it('still accepts a good message after all that (the process did not crash)', async () => {
    const response = await post('/api/simulator/demo/inbound', '{"from":"+15550100001","text":"café ✓"}');
    expect(response.status).toBe(202);
    const stored = await app.db.pool.query(`SELECT text FROM "Message" ORDER BY "capturedAt" DESC LIMIT 1`);
    expect(stored.rows[0]).toEqual({ text: 'café ✓' });
  });

  it('answers 400 for a phone address that is not a number, and 404 for an unknown account', async () => {
    const bad = await fetch(`${app.url}/api/simulator/demo/phones/alice`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('bad_request');
    const unknown = await fetch(`${app.url}/api/simulator/nope/phones/+15550100001`);
    expect(unknown.status).toBe(404);
  });
});
