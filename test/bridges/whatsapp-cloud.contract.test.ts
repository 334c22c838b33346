import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WhatsAppCloudBridge } from '../../src/bridges/whatsapp-cloud/whatsapp-cloud-bridge.js';
import { runBridgeContract } from './support/bridge-contract.js';
import { envelope, phoneNumberId, sign, verifyToken, whatsappCloudHarness } from './support/whatsapp-cloud-harness.js';

const harness = whatsappCloudHarness();

runBridgeContract(harness, () => {
  describe('WhatsApp Cloud specifics', () => {
    const verify = (query: Record<string, string>, accountId = harness.accountId()) =>
      fetch(`${harness.app().url}/webhooks/whatsapp-cloud/${accountId}?${new URLSearchParams(query)}`);
    const text = (id: string, body: string) => ({ from: '972987654321', id, timestamp: '1697043223', type: 'text', text: { body } });

    it('answers Meta’s subscription handshake with the challenge, as text/plain', async () => {
      const response = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': '1158201444' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('1158201444');
    });

    it.each([
      ['a wrong verify token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' }],
      ['another mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': verifyToken, 'hub.challenge': '1' }],
      ['no token', { 'hub.mode': 'subscribe', 'hub.challenge': '1' }],
      ['a challenge that is markup', { 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': '<script>' }],
    ])('refuses the handshake with %s: 403 JSON', async (_name, query) => {
      const response = await verify(query);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: string }).error).toBe('forbidden');
    });

    it('answers the handshake for an unknown account with 404', async () => {
      const response = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': '1' }, 'nope');
      expect(response.status).toBe(404);
    });

    it('records every event of a batched payload in order, and reports what is for a number no account owns', async () => {
      const app = harness.app();
      const [first, second, elsewhere] = ['one', 'two', 'elsewhere'].map((n) => `wamid.batch-${n}-${randomBytes(3).toString('hex')}`);
      const payload = envelope({ messages: [text(first!, 'first'), text(second!, 'second')] }) as { entry: unknown[] };
      const other = envelope({ messages: [text(elsewhere!, 'for another number')] }) as { entry: [{ changes: [{ value: { metadata: object } }] }] };
      other.entry[0].changes[0].value.metadata = { display_phone_number: '15550000000', phone_number_id: '999999' };
      payload.entry.push(other.entry[0], { id: '1', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }] });
      const body = JSON.stringify(payload);
      const response = await harness.post(body, { 'x-hub-signature-256': sign(body) });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ recorded: 2, unmatched: 0, reported: 1 });
      const stored = await app.db.prisma.message.findMany({
        where: { providerMessageId: { in: [first!, second!, elsewhere!] } },
        orderBy: { capturedAt: 'asc' },
      });
      expect(stored.map((m) => m.text)).toEqual(['first', 'second']);
    });

    it('answers 5xx when an event cannot be recorded, so Meta delivers it again', async () => {
      const app = harness.app();
      const firm = await app.db.prisma.firm.findFirstOrThrow();
      const accountId = `wa-gone-${randomBytes(3).toString('hex')}`;
      const config = { phoneNumberId, accessToken: 'x', appSecret: 'gone-secret', verifyToken: 'v' };
      await app.db.prisma.channelAccount.create({ data: { id: accountId, firmId: firm.id, kind: 'whatsapp_cloud', name: 'Gone', config } });
      const post = (id: string) => {
        const body = JSON.stringify(envelope({ messages: [text(id, 'hello')] }));
        return harness.post(body, { 'x-hub-signature-256': sign(body, 'gone-secret') }, accountId);
      };
      expect((await post('wamid.gone-1')).status).toBe(200);
      // The account disappears under the running bridge: capture cannot place the message.
      await app.db.prisma.channelAccount.delete({ where: { id: accountId } });
      const response = await post('wamid.gone-2');
      expect(response.status).toBe(503);
      expect(((await response.json()) as { message: string }).message).toMatch(/could not be recorded/);
      expect(await app.db.prisma.message.count({ where: { providerMessageId: 'wamid.gone-2' } })).toBe(0);
    });

    it('sends templates and documents as the Graph API documents them', async () => {
      const bridge = await harness.app().registry.get(harness.accountId());
      expect(bridge).toBeInstanceOf(WhatsAppCloudBridge);
      const cloud = bridge as WhatsAppCloudBridge;
      const template = await cloud.sendTemplate({
        to: '+972987654321',
        name: 'hearing_reminder',
        languageCode: 'en_US',
        components: [{ type: 'body', parameters: [{ type: 'text', text: '3 December' }] }],
      });
      const document = await cloud.sendDocument({
        to: '+972987654321',
        source: { link: 'https://files.example-firm.com/engagement-letter.pdf' },
        fileName: 'engagement-letter.pdf',
        caption: 'Your engagement letter',
      });
      const sent = harness
        .provider()
        .received.filter((r) => [template.providerMessageId, document.providerMessageId].includes((r.answer.json as { messages?: [{ id: string }] }).messages?.[0]?.id ?? ''))
        .map((r) => JSON.parse(r.request.body.toString('utf8')) as Record<string, unknown>);
      expect(sent).toEqual([
        {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: '972987654321',
          type: 'template',
          template: { name: 'hearing_reminder', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '3 December' }] }] },
        },
        {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: '972987654321',
          type: 'document',
          document: { link: 'https://files.example-firm.com/engagement-letter.pdf', filename: 'engagement-letter.pdf', caption: 'Your engagement letter' },
        },
      ]);
    });

    it('answers a webhook on the fast path exactly as the Express route does (status, body, request id)', async () => {
      // The canonical path is taken by the fast path (http/fast-webhook.ts); the same path with a trailing slash is
      // routed by Express (non-strict routing). Every answer must be the same on both.
      const id = harness.accountId();
      const gzipped = (body: string) => gzipSync(Buffer.from(body));
      const cases: { name: string; body: (n: number) => Buffer | string; headers?: (body: Buffer | string) => Record<string, string>; account?: string; status: number }[] = [
        { name: 'a signed message', body: (n) => JSON.stringify(envelope({ messages: [text(`wamid.parity-${n}-${randomBytes(3).toString('hex')}`, 'parity')] })), status: 200 },
        {
          name: 'a signed message, gzipped',
          body: (n) => gzipped(JSON.stringify(envelope({ messages: [text(`wamid.parity-gz-${n}-${randomBytes(3).toString('hex')}`, 'parity')] }))),
          headers: (body) => ({ 'content-encoding': 'gzip', 'x-hub-signature-256': sign(gunzipSync(body as Buffer)) }),
          status: 200,
        },
        { name: 'a wrong signature', body: () => JSON.stringify(envelope({ messages: [text('wamid.parity-forged', 'x')] })), headers: () => ({ 'x-hub-signature-256': 'sha256=00' }), status: 401 },
        { name: 'an empty body', body: () => '', status: 400 },
        { name: 'a body said to be gzip that is not', body: () => '{"object":"whatsapp_business_account"}', headers: () => ({ 'content-encoding': 'gzip' }), status: 400 },
        { name: 'an encoding nobody knows', body: () => '{}', headers: () => ({ 'content-encoding': 'x-unknown' }), status: 400 },
        { name: 'a body over the megabyte', body: () => 'x'.repeat(1024 * 1024 + 1), status: 413 },
        { name: 'JSON that is not', body: () => '{"object":', status: 400 },
        { name: 'an account that does not exist', body: () => '{}', account: 'wa-nobody', status: 404 },
      ];
      for (const [n, c] of cases.entries()) {
        const answers = [];
        for (const spelling of ['', '/']) {
          const body = c.body(n * 2 + spelling.length);
          const headers = c.headers?.(body) ?? { 'x-hub-signature-256': sign(body) };
          const response = await harness.post(body, { ...headers, 'x-request-id': `parity-${n}` }, `${c.account ?? id}${spelling}`);
          answers.push({ status: response.status, body: await response.json(), requestId: response.headers.get('x-request-id'), type: response.headers.get('content-type') });
        }
        expect(answers[0], c.name).toEqual({ status: c.status, body: answers[1]!.body, requestId: `parity-${n}`, type: 'application/json; charset=utf-8' });
        expect(answers[1], c.name).toMatchObject({ status: c.status, requestId: `parity-${n}` });
        if (c.status === 200) expect(answers[0]!.body, c.name).toEqual({ recorded: 1, unmatched: 0, reported: 0 });
        else expect(answers[0]!.body, c.name).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      }
      // A request id that is not a plain token is replaced, as everywhere else.
      const body = JSON.stringify(envelope({ messages: [text(`wamid.parity-id-${randomBytes(3).toString('hex')}`, 'id')] }));
      const response = await harness.post(body, { 'x-hub-signature-256': sign(body), 'x-request-id': 'not a token' });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
