import { z } from 'zod';
import type { MessageEvent, ReceiptEvent } from '../../core/bridge-events.js';
import type { MediaRef, MessageKind, ReceiptStatus } from '../../core/events.js';
import type { AccountId } from '../../core/ids.js';
import { asProviderMessageId } from '../../core/ids.js';

// Twilio's messaging webhooks (twilio.com/docs/messaging/guides/webhook-request) and status callbacks
// (twilio.com/docs/messaging/guides/track-outbound-message-status). Forms are flat: the parameters Twilio adds over
// time pass through into the record untouched.

const sid = z.string().regex(/^[A-Za-z0-9]{2,64}$/, 'a Twilio SID');
const address = z.string().min(1).max(256);

export const inboundFormSchema = z.looseObject({
  MessageSid: sid,
  From: address,
  To: address.optional(),
  Body: z.string().max(100_000).optional(),
  // Twilio delivers at most 10 media items per message.
  NumMedia: z.string().regex(/^(10|\d)$/, 'a number from 0 to 10').optional(),
  // WhatsApp through Twilio names the sender.
  ProfileName: z.string().max(1000).optional(),
});

export const statusFormSchema = z.looseObject({
  MessageSid: sid,
  MessageStatus: z.string().min(1).max(64),
  ErrorCode: z.string().max(64).optional(),
  ErrorMessage: z.string().max(2000).optional(),
});

export type FormParams = Record<string, string>;

export type Normalized<T> = { ok: true; event: T } | { ok: false; problem: string };

const firstIssue = (error: z.ZodError) => {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'form'}: ${issue?.message ?? 'invalid'}`;
};

/** An inbound SMS/MMS as a message event; media are referenced by Twilio's URL until fetched into the blob store. */
export function normalizeTwilioInbound(accountId: AccountId, form: FormParams, receivedAt: Date): Normalized<MessageEvent> {
  const parsed = inboundFormSchema.safeParse(form);
  if (!parsed.success) return { ok: false, problem: firstIssue(parsed.error) };
  const params = parsed.data;
  const media: MediaRef[] = [];
  for (let index = 0; index < Number(params.NumMedia ?? '0'); index++) {
    const url = form[`MediaUrl${index}`];
    if (!url || url.length > 4096) return { ok: false, problem: `MediaUrl${index}: missing for NumMedia=${params.NumMedia}` };
    const mimeType = form[`MediaContentType${index}`];
    media.push({ url, mimeType: mimeType && /^[\w.+-]+\/[\w.+-]+/.test(mimeType) ? mimeType : 'application/octet-stream' });
  }
  const name = params.ProfileName?.trim();
  const event: MessageEvent = {
    kind: 'message',
    accountId,
    providerMessageId: asProviderMessageId(params.MessageSid),
    direction: 'inbound',
    chat: { externalId: params.From, kind: 'direct' },
    contact: { address: params.From, ...(name ? { name } : {}) },
    messageKind: media[0] ? mediaKind(media[0].mimeType) : 'text',
    ...(params.Body ? { text: params.Body } : {}),
    ...(media.length > 0 ? { media } : {}),
    // Twilio's webhook carries no send time: the moment it reached us is the closest the record can tell.
    sentAt: receivedAt,
    raw: { twilio: form },
  };
  return { ok: true, event };
}

/**
 * queued/accepted/scheduled/sending say nothing the send job has not recorded ('sent' once Twilio accepted), and
 * receiving/received are inbound states: those callbacks are acknowledged and not recorded.
 */
const receiptStatuses: Record<string, ReceiptStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
  undelivered: 'failed',
  canceled: 'failed',
};

/** A status callback as a receipt event; null for a status that moves nothing. */
export function normalizeTwilioStatus(accountId: AccountId, form: FormParams, receivedAt: Date): Normalized<ReceiptEvent | null> {
  const parsed = statusFormSchema.safeParse(form);
  if (!parsed.success) return { ok: false, problem: firstIssue(parsed.error) };
  const params = parsed.data;
  const status = receiptStatuses[params.MessageStatus];
  if (!status) return { ok: true, event: null };
  const error =
    status === 'failed'
      ? [params.MessageStatus, params.ErrorCode ? `error ${params.ErrorCode}` : null, params.ErrorMessage ?? null]
          .filter(Boolean)
          .join(': ')
      : undefined;
  return {
    ok: true,
    event: {
      kind: 'receipt',
      accountId,
      providerMessageId: asProviderMessageId(params.MessageSid),
      status,
      at: receivedAt,
      ...(error ? { error } : {}),
      raw: { twilio: form },
    },
  };
}

function mediaKind(mimeType: string): MessageKind {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType.startsWith('audio/')) return 'audio';
  return 'document';
}
