import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { hasSealedValues } from '../../core/crypto/seal-account-config.js';
import { AppError } from '../../core/errors.js';
import { asAccountId } from '../../core/ids.js';
import type { Bridge, BridgeContext, OutboundFileData, OutboundMessage } from '../bridge.js';
import { fileKindOf } from '../../core/channel-rules/media-limits.js';
import type { FetchedMedia } from '../media/fetch-media.js';
import { fetchMedia } from '../media/fetch-media.js';
import type { NormalizedWebhook } from './normalize-whatsapp-cloud.js';
import { normalizeWhatsAppCloud } from './normalize-whatsapp-cloud.js';
import type { WhatsAppCloudConfig } from './whatsapp-cloud-config.js';
import { graphBaseOf, whatsappCloudConfigSchema } from './whatsapp-cloud-config.js';
import { bsuidPattern } from './whatsapp-cloud-payload.js';
import type { WebhookPayload } from './whatsapp-cloud-payload.js';
import { hubSignatureMatches } from './hub-signature.js';

export interface TemplateMessage {
  to: string;
  /** The approved template's name and language, as in the WhatsApp Manager. */
  name: string;
  languageCode: string;
  /** Header/body/button parameters, as the Cloud API takes them. */
  components?: Record<string, unknown>[];
  clientMessageId?: string;
}

export interface DocumentMessage {
  to: string;
  /** A public HTTPS link Meta fetches, or the id of media uploaded before. */
  source: { link: string } | { mediaId: string };
  fileName?: string;
  caption?: string;
  clientMessageId?: string;
}

const sendResponseSchema = z.looseObject({ messages: z.array(z.looseObject({ id: z.string().min(1).max(512) })).min(1) });
const mediaObjectSchema = z.looseObject({ url: z.url(), sha256: z.string().optional(), file_size: z.number().optional() });
const errorResponseSchema = z.looseObject({
  error: z.looseObject({ message: z.string().optional(), code: z.number().optional() }).optional(),
});

// Meta reports throttling as HTTP 400 with these codes: waiting helps, so they are retried, not failed.
const throttlingCodes = new Set([4, 80007, 130429, 131048, 131056]);
const requestTimeoutMs = 15_000;
// A 100 MB document takes a while to upload.
const uploadTimeoutMs = 300_000;
const uploadResponseSchema = z.looseObject({ id: z.string().min(1).max(512) });

/**
 * The WhatsApp Business Cloud API: a webhook channel. There is no connection to hold; inbound messages and receipts
 * arrive at the routes in whatsapp-cloud-routes.ts, which verify them with this bridge and record their events.
 */
export class WhatsAppCloudBridge implements Bridge {
  readonly kind = 'whatsapp_cloud' as const;
  // The Cloud API takes no idempotency key: a send repeated after a crash would reach the client twice.
  readonly capabilities = { media: true, receipts: true, idempotentSends: false, edits: false };
  private readonly parsed: ReturnType<typeof whatsappCloudConfigSchema.safeParse>;

  constructor(private readonly context: BridgeContext) {
    this.parsed = whatsappCloudConfigSchema.safeParse(context.config);
  }

  async start(): Promise<void> {
    const accountId = asAccountId(this.context.accountId);
    if (!this.parsed.success) {
      const reason = configProblem(this.context.config, this.parsed.error);
      await this.context.emit({ kind: 'state', accountId, state: 'needs_attention', reason });
      throw new AppError('bad_request', `the WhatsApp Cloud account cannot work: ${reason}`, { accountId });
    }
    await this.context.emit({ kind: 'state', accountId, state: 'connected' });
  }

  async stop(): Promise<void> {}

  /** Meta's subscription handshake: the verify token the firm entered in the App Dashboard must match. */
  verifySubscription(mode: string, token: string): boolean {
    return mode === 'subscribe' && equalSecrets(token, this.config().verifyToken);
  }

  /** X-Hub-Signature-256: `sha256=` + hex HMAC-SHA256 of the raw body with the app secret. */
  verifySignature(rawBody: Buffer, header: string | undefined): boolean {
    return hubSignatureMatches(rawBody, header, this.config().appSecret);
  }

  /** The app secret, to find the firm's other numbers on the same Meta app (BridgeRegistry.whatsappCloudNumbers). */
  get appSecret(): string {
    return this.config().appSecret;
  }

  get phoneNumberId(): string {
    return this.config().phoneNumberId;
  }

  /** `numbers`: the accounts by phone number id whose events this webhook may carry (see whatsappCloudNumbers). */
  normalize(payload: WebhookPayload, numbers: ReadonlyMap<string, string> = new Map()): NormalizedWebhook {
    const own = this.config().phoneNumberId;
    return normalizeWhatsAppCloud({
      accountId: asAccountId(this.context.accountId),
      accountFor: (phoneNumberId) => {
        if (phoneNumberId === own) return asAccountId(this.context.accountId);
        const other = numbers.get(phoneNumberId);
        return other ? asAccountId(other) : undefined;
      },
      payload,
    });
  }

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    const files = message.files ?? [];
    if (files.length > 1) throw new AppError('bad_request', 'the Cloud API sends one file per message');
    const file = files[0];
    if (file) {
      // Uploaded to the number's media first, then sent by its id: Meta never fetches anything from the firm.
      const mediaId = await this.upload(file);
      const kind = fileKindOf(file.mimeType);
      const part = {
        id: mediaId,
        ...(message.text && kind !== 'audio' ? { caption: message.text } : {}),
        ...(kind === 'document' ? { filename: file.fileName } : {}),
      };
      return this.post(message.to, { type: kind, [kind]: part }, message.clientMessageId);
    }
    if (!message.text) throw new AppError('bad_request', 'a WhatsApp text message needs text');
    return this.post(message.to, { type: 'text', text: { body: message.text } }, message.clientMessageId);
  }

  /** POST /{phone-number-id}/media (multipart): the file in the number's media store, for 30 days; its id. */
  private async upload(file: OutboundFileData): Promise<string> {
    const config = this.config();
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', file.mimeType);
    form.set('file', new Blob([file.data], { type: file.mimeType }), file.fileName);
    let response: Response;
    try {
      response = await fetch(`${graphBaseOf(config)}/${config.phoneNumberId}/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${config.accessToken}` },
        body: form,
        signal: AbortSignal.timeout(uploadTimeoutMs),
      });
    } catch (error) {
      throw new AppError('unavailable', `the WhatsApp Cloud API could not be reached: ${(error as Error).message}`, {}, { cause: error });
    }
    const json = safeJson(await response.text().catch(() => ''));
    if (response.ok) {
      const parsed = uploadResponseSchema.safeParse(json);
      if (!parsed.success) throw new AppError('unavailable', 'the WhatsApp Cloud API took the file but returned no media id');
      return parsed.data.id;
    }
    const error = errorResponseSchema.safeParse(json).data?.error;
    const description = `${error?.message ?? response.statusText} (HTTP ${response.status}${error?.code !== undefined ? `, code ${error.code}` : ''})`;
    const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
    throw new AppError(permanent ? 'bad_request' : 'unavailable', `WhatsApp Cloud API refused the file "${file.fileName}": ${description}`, { status: response.status });
  }

  /** A pre-approved template: the only kind of message allowed outside the 24-hour customer-service window. */
  async sendTemplate(message: TemplateMessage): Promise<{ providerMessageId: string }> {
    return this.post(
      message.to,
      {
        type: 'template',
        template: {
          name: message.name,
          language: { code: message.languageCode },
          ...(message.components ? { components: message.components } : {}),
        },
      },
      message.clientMessageId,
    );
  }

  async sendDocument(message: DocumentMessage): Promise<{ providerMessageId: string }> {
    const source = 'link' in message.source ? { link: message.source.link } : { id: message.source.mediaId };
    return this.post(
      message.to,
      {
        type: 'document',
        document: {
          ...source,
          ...(message.fileName ? { filename: message.fileName } : {}),
          ...(message.caption ? { caption: message.caption } : {}),
        },
      },
      message.clientMessageId,
    );
  }

  /**
   * The bytes of a received media item (Attachment.providerMediaId). The Graph API first gives a short-lived URL,
   * which also needs the access token; Meta keeps the media for 30 days.
   */
  async downloadMedia(providerMediaId: string): Promise<FetchedMedia> {
    const config = this.config();
    const base = graphBaseOf(config);
    const headers = { authorization: `Bearer ${config.accessToken}` };
    let response: Response;
    try {
      response = await fetch(`${base}/${encodeURIComponent(providerMediaId)}`, { headers, signal: AbortSignal.timeout(requestTimeoutMs) });
    } catch (error) {
      throw new AppError('unavailable', `the WhatsApp Cloud API could not be reached: ${(error as Error).message}`, {}, { cause: error });
    }
    const json = safeJson(await response.text().catch(() => ''));
    if (!response.ok) {
      const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
      throw new AppError(permanent ? 'bad_request' : 'unavailable', `WhatsApp Cloud API has no media ${providerMediaId} (HTTP ${response.status})`);
    }
    const media = mediaObjectSchema.safeParse(json);
    if (!media.success) throw new AppError('unavailable', 'the WhatsApp Cloud API answered without a media URL');
    return fetchMedia({ fetcher: this.context.fetcher, url: media.data.url, headers, expectedSha256: media.data.sha256 });
  }

  private config(): WhatsAppCloudConfig {
    if (!this.parsed.success) throw new AppError('unavailable', 'the WhatsApp Cloud account is not configured correctly');
    return this.parsed.data;
  }

  private async post(to: string, content: Record<string, unknown>, clientMessageId: string | undefined) {
    const config = this.config();
    const base = graphBaseOf(config);
    const url = `${base}/${config.phoneNumberId}/messages`;
    const body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      // A client known only by their business-scoped user id (they use a WhatsApp username) is addressed by it;
      // otherwise by number, without the plus, as the Cloud API reports wa_ids.
      ...(bsuidPattern.test(to) ? { recipient: to } : { to: to.replace(/^\+/, '') }),
      ...content,
      // Echoed back in status webhooks: ties a receipt to our message in the raw record.
      ...(clientMessageId ? { biz_opaque_callback_data: clientMessageId } : {}),
    };
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${config.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
    } catch (error) {
      throw new AppError('unavailable', `the WhatsApp Cloud API could not be reached: ${(error as Error).message}`, {}, { cause: error });
    }
    const text = await response.text().catch(() => '');
    const json = safeJson(text);
    if (response.ok) {
      const parsed = sendResponseSchema.safeParse(json);
      // Accepted without an id: the message may be on its way, so it is failed for a person to check, not resent.
      if (!parsed.success) throw new AppError('bad_request', 'the WhatsApp Cloud API accepted the message but returned no id');
      return { providerMessageId: parsed.data.messages[0]!.id };
    }
    const error = errorResponseSchema.safeParse(json).data?.error;
    const description = `${error?.message ?? response.statusText} (HTTP ${response.status}${error?.code !== undefined ? `, code ${error.code}` : ''})`;
    if (response.status === 429 || (error?.code !== undefined && throttlingCodes.has(error.code))) {
      throw new AppError('rate_limited', `WhatsApp Cloud API throttled the send: ${description}`, { status: response.status });
    }
    if (response.status >= 400 && response.status < 500 && response.status !== 408) {
      throw new AppError('bad_request', `WhatsApp Cloud API refused the message: ${description}`, {
        status: response.status,
        code: error?.code,
      });
    }
    throw new AppError('unavailable', `WhatsApp Cloud API failed: ${description}`, { status: response.status });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Constant-time comparison of two secrets of any length (hashing first evens out the lengths). */
export function equalSecrets(given: string, expected: string): boolean {
  const a = createHmac('sha256', 'compare').update(given).digest();
  const b = createHmac('sha256', 'compare').update(expected).digest();
  return timingSafeEqual(a, b);
}

function configProblem(config: Record<string, unknown>, error: z.ZodError): string {
  if (hasSealedValues(config)) return 'its secrets are still encrypted: this process was not given the key to open them';
  return error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; ');
}

/** The entry for bridges/bridge-factories.ts. */
export const createWhatsAppCloudBridge = (context: BridgeContext): WhatsAppCloudBridge => new WhatsAppCloudBridge(context);
