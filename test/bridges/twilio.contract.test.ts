import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { captureOutbound } from '../../src/core/capture-outbound.js';
import { createJobDispatcher } from '../../src/jobs/job-dispatcher.js';
import { waitFor } from '../support/matterline.js';
import { runBridgeContract } from './support/bridge-contract.js';
import type { FakeProvider } from './support/fake-provider.js';
import { startFakeProvider } from './support/fake-provider.js';
import twilio from 'twilio';
import { statusCallbackUrl } from '../../src/bridges/twilio/twilio-config.js';
import { accountSid, authToken, firmNumber, messagesApi, readForm, sharedKey, twilioHarness, twilioSdkSignature } from './support/twilio-harness.js';

const harness = twilioHarness();

runBridgeContract(harness, () => {
  describe('Twilio specifics', () => {
    const freshSms = () => {
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const params = readForm('twilio_inbound_sms.form').filter(([name]) => !['MessageSid', 'SmsSid', 'SmsMessageSid'].includes(name));
      return { sid, params: [...params, ['MessageSid', sid], ['SmsSid', sid]] as [string, string][] };
    };
    let second: FakeProvider | undefined;
    afterAll(async () => second?.stop());

    it('answers an inbound message with empty TwiML, and a status callback with 204', async () => {
      const { params } = freshSms();
      const inbound = await harness.post(`/webhooks/twilio/${harness.accountId()}`, params, harness.publicUrl());
      expect(inbound.status).toBe(200);
      expect(inbound.headers.get('content-type')).toMatch(/^text\/xml/);
      expect(await inbound.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      const status = await harness.post(
        `/webhooks/twilio/${harness.accountId()}/status`,
        [['MessageSid', `SM${randomBytes(16).toString('hex')}`], ['MessageStatus', 'delivered']],
        `${harness.publicUrl()}/status`,
      );
      expect(status.status).toBe(204);
    });

    it('verifies a request a Webhooks Rule signed with its SharedKey (HMAC-SHA256), as Twilio’s library signs it', async () => {
      const { sid, params } = freshSms();
      const settings = `key=${sharedKey.name},algorithm=${twilio.HMAC_SHA256}`;
      const route = `/webhooks/twilio/${harness.accountId()}`;
      const signed = (overrides: { token?: string; settings?: string; algorithm?: string }, form = params) =>
        harness.post(route, form, harness.publicUrl(), { token: sharedKey.secret, settings, algorithm: twilio.HMAC_SHA256, ...overrides });
      const response = await signed({});
      expect(response.status).toBe(200);
      expect(await harness.app().db.prisma.message.count({ where: { providerMessageId: sid } })).toBe(1);
      // Twilio's own validator agrees on the signature Matterline accepted.
      const signature = twilioSdkSignature(sharedKey.secret, harness.publicUrl(), params, twilio.HMAC_SHA256);
      expect(twilio.validateRequest(sharedKey.secret, signature, harness.publicUrl(), Object.fromEntries(params), twilio.getSignatureAlgorithm(settings))).toBe(true);

      const refusals: [string, Promise<Response>, RegExp][] = [
        ['signed with the auth token while the header names the SharedKey', signed({ token: authToken }, freshSms().params), /does not match the Webhooks Rule SharedKey \(HMAC_SHA256\)/],
        ['HMAC-SHA1 under a header saying HMAC-SHA256', signed({ algorithm: twilio.HMAC_SHA1 }, freshSms().params), /does not match the Webhooks Rule SharedKey/],
        ['another rule’s key', signed({ settings: `key=webhooks_sharedkey_other,algorithm=${twilio.HMAC_SHA256}` }, freshSms().params), /another Webhooks Rule SharedKey/],
        ['an algorithm Twilio may add later', signed({ settings: `key=${sharedKey.name},algorithm=HMAC_SHA512` }, freshSms().params), /algorithm this server does not verify: HMAC_SHA512/],
        ['a SharedKey signature without the settings header', signed({ settings: '' }, freshSms().params), /does not match the auth token/],
      ];
      for (const [what, pending, message] of refusals) {
        const refused = await pending;
        expect(refused.status, what).toBe(401);
        expect(((await refused.json()) as { message: string }).message, what).toMatch(message);
      }
    });

    it('settles a send whose answer was lost by the status Twilio posts to that message’s own callback URL', async () => {
      const app = harness.app();
      const firm = await app.db.prisma.firm.findFirstOrThrow();
      const identity = await app.db.prisma.contactIdentity.create({ data: { firmId: firm.id, accountId: harness.accountId(), address: '+13175550999', consentState: 'opted_in' } });
      const conversation = await app.db.prisma.conversation.create({ data: { firmId: firm.id, accountId: harness.accountId(), externalId: '+13175550999', kind: 'direct', identityId: identity.id } });
      const message = await app.db.prisma.message.create({
        data: {
          firmId: firm.id,
          accountId: harness.accountId(),
          conversationId: conversation.id,
          identityId: identity.id,
          direction: 'outbound',
          text: 'Court moved to 3 pm',
          status: 'failed',
          failedAt: new Date(),
          error: 'send_outcome_unknown: the process stopped while the provider was sending; check before resending',
        },
      });
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const callback = statusCallbackUrl(harness.publicUrl(), message.id);
      const route = `/webhooks/twilio/${harness.accountId()}/status?mid=${message.id}`;
      const answer = await harness.post(route, [['MessageSid', sid], ['MessageStatus', 'delivered'], ['AccountSid', accountSid]], callback);
      expect(answer.status).toBe(204);
      expect(await app.db.prisma.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: 'delivered', providerMessageId: sid, error: null });
      // The id in the URL is covered by the signature: another message's id under the same signature is refused.
      const forged = await harness.post(`/webhooks/twilio/${harness.accountId()}/status?mid=${randomUUID()}`, [['MessageSid', sid], ['MessageStatus', 'read']], callback);
      expect(forged.status).toBe(401);
    });

    it('accepts a signature over the public URL with the default port written out, as Twilio’s libraries do', async () => {
      const { sid, params } = freshSms();
      const withPort = harness.publicUrl().replace('.com/', '.com:443/');
      const response = await harness.post(`/webhooks/twilio/${harness.accountId()}`, params, withPort);
      expect(response.status).toBe(200);
      expect(await harness.app().db.prisma.message.count({ where: { providerMessageId: sid } })).toBe(1);
    });

    it('without a public URL, verifies against the URL this server sees and sends without a StatusCallback', async () => {
      const app = harness.app();
      second = await startFakeProvider(messagesApi({ accountSid, authToken, from: firmNumber }));
      const accountId = `twilio-direct-${randomBytes(3).toString('hex')}`;
      const firm = await app.db.prisma.firm.findFirstOrThrow();
      await app.db.prisma.channelAccount.create({
        data: { id: accountId, firmId: firm.id, kind: 'twilio', name: 'Direct SMS', config: { accountSid, authToken, phoneNumber: firmNumber, apiBaseUrl: second.url } },
      });
      const { sid, params } = freshSms();
      const seen = `${app.url}/webhooks/twilio/${accountId}?via=console`;
      const response = await harness.post(`/webhooks/twilio/${accountId}?via=console`, params, seen);
      expect(response.status).toBe(200);
      const stored = await app.db.prisma.message.findFirstOrThrow({ where: { accountId, providerMessageId: sid } });
      expect(stored.text).toBe('Hi there from Twilio');
      const wrongQuery = await harness.post(`/webhooks/twilio/${accountId}?via=other`, freshSms().params, seen);
      expect(wrongQuery.status).toBe(401);

      const identity = await app.db.prisma.contactIdentity.findFirstOrThrow({ where: { accountId } });
      await app.db.prisma.contactIdentity.update({ where: { id: identity.id }, data: { consentState: 'opted_in' } });
      const queued = await captureOutbound({
        db: app.db,
        dispatcher: createJobDispatcher({ backend: app.backend }),
        to: { accountId, address: identity.address },
        text: 'Sent without a status callback',
      });
      const message = await waitFor(
        async () => {
          const row = await app.db.prisma.message.findUniqueOrThrow({ where: { id: queued.messageId } });
          return row.status === 'sent' ? row : null;
        },
        { what: 'the send' },
      );
      const received = second.received.find((r) => new URLSearchParams(r.request.body.toString('utf8')).get('Body') === 'Sent without a status callback');
      expect(received?.answer.status).toBe(201);
      expect(new URLSearchParams(received!.request.body.toString('utf8')).has('StatusCallback')).toBe(false);
      expect(message.providerMessageId).toBe((received!.answer.json as { sid: string }).sid);
    });
  });
});
