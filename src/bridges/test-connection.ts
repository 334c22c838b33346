import type { ChannelKind } from '../generated/prisma/enums.js';
import { twilioConfigSchema, defaultTwilioApiBaseUrl } from './twilio/twilio-config.js';
import { graphBaseOf, whatsappCloudConfigSchema } from './whatsapp-cloud/whatsapp-cloud-config.js';

/** What "test connection" found, in words the firm's admin reads. */
export interface ConnectionTest {
  ok: boolean;
  message: string;
}

const timeoutMs = 10_000;

/** The provider's own error, in words: Meta's error.message and code, Twilio's message and code, else the status. */
async function providerSays(response: Response, provider: string): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: string; code?: number }; message?: string; code?: number };
    if (body.error?.message) return `${provider} said: ${body.error.message}${body.error.code ? ` (code ${body.error.code})` : ''}`;
    if (body.message) return `${provider} said: ${body.message}${body.code ? ` (code ${body.code})` : ''}`;
  } catch {
    // Not JSON: the status says it.
  }
  return `${provider} answered ${response.status} ${response.statusText}`.trim();
}

/**
 * Asks the provider, with the account's own credentials, whether they work: the WhatsApp Cloud API reads the phone
 * number (GET /{phone-number-id}), Twilio reads the account (GET /2010-04-01/Accounts/{sid}.json). Only URLs from the
 * account's config, which the firm's admin set, are called. Linked phones have nothing to test: they link by QR code.
 */
export async function testAccountConnection(kind: ChannelKind, config: Record<string, unknown>): Promise<ConnectionTest> {
  try {
    if (kind === 'whatsapp_cloud') {
      const cloud = whatsappCloudConfigSchema.parse(config);
      const response = await fetch(`${graphBaseOf(cloud)}/${encodeURIComponent(cloud.phoneNumberId)}?fields=display_phone_number,verified_name`, {
        headers: { authorization: `Bearer ${cloud.accessToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) return { ok: false, message: await providerSays(response, 'Meta') };
      const number = (await response.json()) as { display_phone_number?: string; verified_name?: string };
      return { ok: true, message: `Meta knows this number: ${number.display_phone_number ?? cloud.phoneNumberId}${number.verified_name ? ` (${number.verified_name})` : ''}.` };
    }
    if (kind === 'twilio') {
      const twilio = twilioConfigSchema.parse(config);
      const base = (twilio.apiBaseUrl ?? defaultTwilioApiBaseUrl).replace(/\/+$/, '');
      const response = await fetch(`${base}/2010-04-01/Accounts/${encodeURIComponent(twilio.accountSid)}.json`, {
        headers: { authorization: `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) return { ok: false, message: await providerSays(response, 'Twilio') };
      const account = (await response.json()) as { friendly_name?: string; status?: string };
      return {
        ok: account.status === undefined || account.status === 'active',
        message: `Twilio account "${account.friendly_name ?? twilio.accountSid}" is ${account.status ?? 'reachable'}.`,
      };
    }
    return { ok: true, message: 'Nothing to test here: this channel connects by itself (a linked phone by its QR code).' };
  } catch (error) {
    const reason = error instanceof Error ? (error.name === 'TimeoutError' ? 'no answer within 10 seconds' : error.message) : String(error);
    return { ok: false, message: `The provider could not be reached: ${reason}.` };
  }
}
