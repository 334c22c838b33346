import { checkTextLength } from '../../core/channel-rules/text-limits.js';
import { z } from 'zod';
import { hasSealedValues } from '../../core/crypto/seal-account-config.js';
import { AppError } from '../../core/errors.js';
import { asAccountId } from '../../core/ids.js';
import type { Bridge, BridgeContext, OutboundMessage } from '../bridge.js';
import type { FetchedMedia } from '../media/fetch-media.js';
import { fetchMedia } from '../media/fetch-media.js';
import type { TwilioConfig } from './twilio-config.js';
import { defaultTwilioApiBaseUrl, statusCallbackUrl, twilioConfigSchema } from './twilio-config.js';
import { isTwilioSignatureAlgorithm, readSignatureSettings, verifyTwilioSignature } from './twilio-signature.js';

const sendResponseSchema = z.looseObject({ sid: z.string().min(1).max(64) });
const errorResponseSchema = z.looseObject({ code: z.number().optional(), message: z.string().optional() });
const requestTimeoutMs = 15_000;

/**
 * Twilio Programmable Messaging (SMS, MMS): a webhook channel. Inbound messages and status callbacks arrive at the
 * routes in twilio-routes.ts, which verify them with this bridge and record their events.
 */
export class TwilioBridge implements Bridge {
  readonly kind = 'twilio' as const;
  // Twilio's Messages API takes no idempotency key: a send repeated after a crash would reach the client twice.
  readonly capabilities = { media: true, receipts: true, idempotentSends: false, edits: false };
  private readonly parsed: ReturnType<typeof twilioConfigSchema.safeParse>;

  constructor(private readonly context: BridgeContext) {
    this.parsed = twilioConfigSchema.safeParse(context.config);
  }

  async start(): Promise<void> {
    const accountId = asAccountId(this.context.accountId);
    if (!this.parsed.success) {
      const reason = hasSealedValues(this.context.config)
        ? 'its secrets are still encrypted: this process was not given the key to open them'
        : this.parsed.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; ');
      await this.context.emit({ kind: 'state', accountId, state: 'needs_attention', reason });
      throw new AppError('bad_request', `the Twilio account cannot work: ${reason}`, { accountId });
    }
    await this.context.emit({ kind: 'state', accountId, state: 'connected' });
  }

  async stop(): Promise<void> {}

  /**
   * Whether a webhook request carries Twilio's signature. The signed URL is the configured publicUrl (plus /status
   * for status callbacks) when there is one, else the URL as this server saw the request.
   */
  verifySignature(options: {
    seenUrl: string;
    route: 'inbound' | 'status';
    params: readonly (readonly [string, string])[];
    signature: string | undefined;
    /** X-Twilio-Webhooks-Signature-Settings: present when a Webhooks Rule signed the request with its SharedKey. */
    settings?: string | undefined;
  }): { ok: true } | { ok: false; problem: string } {
    const config = this.config();
    // A status callback is signed over the URL it was sent to: the account's, with the message id the send added.
    const url = config.publicUrl
      ? options.route === 'status'
        ? statusCallbackUrl(config.publicUrl, new URL(options.seenUrl).searchParams.get('mid') ?? undefined)
        : config.publicUrl
      : options.seenUrl;
    const settings = readSignatureSettings(options.settings);
    if (!settings) {
      return verifyTwilioSignature({ authToken: config.authToken, url, params: options.params, signature: options.signature })
        ? { ok: true }
        : { ok: false, problem: 'X-Twilio-Signature is missing or does not match the auth token' };
    }
    if (!isTwilioSignatureAlgorithm(settings.algorithm)) {
      return { ok: false, problem: `X-Twilio-Webhooks-Signature-Settings names an algorithm this server does not verify: ${settings.algorithm.slice(0, 40)}` };
    }
    if (!config.webhookSharedKey) {
      return { ok: false, problem: 'the request is signed with a Webhooks Rule SharedKey, and this account has none (webhookSharedKey)' };
    }
    if (config.webhookSharedKeyName && settings.key !== config.webhookSharedKeyName) {
      return { ok: false, problem: 'the request is signed with another Webhooks Rule SharedKey than this account’s' };
    }
    return verifyTwilioSignature({ authToken: config.webhookSharedKey, url, params: options.params, signature: options.signature, algorithm: settings.algorithm })
      ? { ok: true }
      : { ok: false, problem: `X-Twilio-Signature does not match the Webhooks Rule SharedKey (${settings.algorithm})` };
  }

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    const files = message.files ?? [];
    if (!message.text && files.length === 0) throw new AppError('bad_request', 'an SMS needs text');
    // Refused before the request (Twilio's error 21617), with the limit in words.
    checkTextLength('twilio', message.text);
    const config = this.config();
    // MMS: Twilio fetches each file from a signed, expiring link to this message's attachment on this server.
    if (files.length > 0 && !config.publicUrl) {
      throw new AppError('bad_request', 'files through Twilio need the account’s publicUrl: Twilio fetches them from this server');
    }
    const origin = config.publicUrl ? new URL(config.publicUrl).origin : '';
    const base = (config.apiBaseUrl ?? defaultTwilioApiBaseUrl).replace(/\/+$/, '');
    const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
    // A Messaging Service (its sender pool, opt-out handling and compliance settings) sends in place of the number.
    const form = new URLSearchParams({
      To: message.to,
      ...(config.messagingServiceSid ? { MessagingServiceSid: config.messagingServiceSid } : { From: config.phoneNumber }),
      ...(message.text ? { Body: message.text } : {}),
    });
    for (const file of files) form.append('MediaUrl', `${origin}${file.signedPath}`);
    // Without a public URL Twilio cannot reach us; receipts then come only if the number has one set in the Console.
    if (config.publicUrl) form.set('StatusCallback', statusCallbackUrl(config.publicUrl, message.clientMessageId));
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
    } catch (error) {
      throw new AppError('unavailable', `Twilio could not be reached: ${(error as Error).message}`, {}, { cause: error });
    }
    const json = await response.json().catch(() => undefined);
    if (response.ok) {
      const parsed = sendResponseSchema.safeParse(json);
      // Accepted without a sid: the message may be on its way, so it is failed for a person to check, not resent.
      if (!parsed.success) throw new AppError('bad_request', 'Twilio accepted the message but returned no sid');
      return { providerMessageId: parsed.data.sid };
    }
    const error = errorResponseSchema.safeParse(json).data;
    const description = `${error?.message ?? response.statusText} (HTTP ${response.status}${error?.code !== undefined ? `, code ${error.code}` : ''})`;
    if (response.status === 429) {
      throw new AppError('rate_limited', `Twilio throttled the send: ${description}`, { status: response.status });
    }
    if (response.status >= 400 && response.status < 500 && response.status !== 408) {
      // 21610: the recipient replied STOP to the carrier; Twilio sends them nothing until they reply START.
      const optedOut = error?.code === 21610;
      throw new AppError('bad_request', `Twilio refused the message: ${description}`, {
        status: response.status,
        code: error?.code,
        ...(optedOut ? { recipientOptedOut: true, providerAnswer: json } : {}),
      });
    }
    throw new AppError('unavailable', `Twilio failed: ${description}`, { status: response.status });
  }

  /**
   * The bytes of a received MMS item (Attachment.sourceUrl). Only URLs on the account's own API host are fetched,
   * with the account's credentials (needed when the firm turned on HTTP auth for media): a URL elsewhere is refused
   * rather than sent the credentials.
   */
  async downloadMedia(url: string): Promise<FetchedMedia> {
    const config = this.config();
    const api = new URL(config.apiBaseUrl ?? defaultTwilioApiBaseUrl);
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new AppError('bad_request', 'the media URL is not a URL');
    }
    if (target.origin !== api.origin || !target.pathname.startsWith(`/2010-04-01/Accounts/${config.accountSid}/`)) {
      throw new AppError('bad_request', `media outside this Twilio account is not fetched (${target.origin})`);
    }
    const basic = Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64');
    // Twilio caps MMS media at 5 MB; a little room for providers that round up.
    return fetchMedia({ fetcher: this.context.fetcher, url: target.toString(), headers: { authorization: `Basic ${basic}` }, maxBytes: 10 * 1024 * 1024 });
  }

  private config(): TwilioConfig {
    if (!this.parsed.success) throw new AppError('unavailable', 'the Twilio account is not configured correctly');
    return this.parsed.data;
  }
}

/** The entry for bridges/bridge-factories.ts. */
export const createTwilioBridge = (context: BridgeContext): TwilioBridge => new TwilioBridge(context);
