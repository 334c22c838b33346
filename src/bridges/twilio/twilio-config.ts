import { z } from 'zod';

/** ChannelAccount.config of kind twilio, secrets opened (see core/crypto/seal-account-config.ts). */
export const twilioConfigSchema = z.object({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'the Account SID from the Twilio Console (AC + 32 hex digits)'),
  authToken: z.string().min(1),
  /** The firm's number (E.164), or `whatsapp:+…` for WhatsApp through Twilio. */
  phoneNumber: z.string().min(3).max(64),
  /**
   * The inbound webhook URL exactly as entered in the Twilio Console (Twilio signs the URL it calls, which behind a
   * proxy is not the one this server sees). The status callback is this URL with `/status` appended to its path;
   * Matterline passes it with every send, so only the inbound URL has to be entered in the Console.
   */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** A Messaging Service that sends in place of the number (MG + 32 hex digits); phoneNumber still names the inbound. */
  messagingServiceSid: z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'a Messaging Service SID (MG + 32 hex digits)').optional(),
  apiBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * A Webhooks Rule's SharedKey (Twilio Console › Webhooks): when a rule matches the webhook URL, Twilio signs with this
   * secret and the rule's algorithm (HMAC-SHA256) instead of the auth token. Its name (webhooks_sharedkey_…), when
   * given, must be the key the request names.
   */
  webhookSharedKey: z.string().min(1).optional(),
  webhookSharedKeyName: z.string().min(1).max(200).optional(),
});
export type TwilioConfig = z.infer<typeof twilioConfigSchema>;

export const defaultTwilioApiBaseUrl = 'https://api.twilio.com';

/**
 * The status callback URL that belongs to an inbound webhook URL: `/status` appended to the path, query kept. With a
 * message id, it also carries `mid=<Matterline's id>`: Twilio calls back exactly that URL for that message, so its
 * statuses settle the message even when the send's answer (the sid) was never recorded.
 */
export function statusCallbackUrl(publicUrl: string, clientMessageId?: string): string {
  const url = new URL(publicUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/status`;
  if (clientMessageId) url.searchParams.set('mid', clientMessageId);
  return url.toString();
}
