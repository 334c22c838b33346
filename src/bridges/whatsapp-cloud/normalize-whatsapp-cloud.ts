import type { z } from 'zod';
import type { BridgeEvent, MessageEvent, ReceiptEvent } from '../../core/bridge-events.js';
import type { MediaRef, MessageKind, ReceiptStatus } from '../../core/events.js';
import type { AccountId } from '../../core/ids.js';
import { asProviderMessageId } from '../../core/ids.js';
import type { InboundMessage, MessagesValue, Status, WebhookPayload } from './whatsapp-cloud-payload.js';
import {
  buttonPartSchema,
  contactsPartSchema,
  interactivePartSchema,
  locationPartSchema,
  mediaPartSchema,
  messagesValueSchema,
  reactionPartSchema,
  systemPartSchema,
  textPartSchema,
} from './whatsapp-cloud-payload.js';

export interface NormalizeWhatsAppCloudOptions {
  accountId: AccountId;
  /** The account's own number: changes for another number of the same app are not this account's to record. */
  phoneNumberId: string;
  payload: WebhookPayload;
}

export interface SkippedPart {
  reason: 'other_field' | 'other_phone_number' | 'unknown_status' | 'other_object';
  detail: string;
}

/** Every event of one webhook payload, in payload order, or the path of the part that is malformed. */
export type NormalizedWebhook =
  | { ok: true; events: BridgeEvent[]; skipped: SkippedPart[] }
  | { ok: false; problem: string };

/**
 * Turns one Cloud API webhook into normalized events. All-or-nothing: when any `messages` change is malformed the
 * whole payload is refused, so a retry after the fix never meets half of it already stored.
 */
export function normalizeWhatsAppCloud(options: NormalizeWhatsAppCloudOptions): NormalizedWebhook {
  const { payload } = options;
  const events: BridgeEvent[] = [];
  const skipped: SkippedPart[] = [];
  // Meta signs every object its app subscribes to; only WhatsApp's carries messages for us.
  if (payload.object !== 'whatsapp_business_account') {
    return { ok: true, events, skipped: [{ reason: 'other_object', detail: payload.object }] };
  }
  for (const [entryIndex, entry] of payload.entry.entries()) {
    for (const [changeIndex, change] of entry.changes.entries()) {
      // Template reviews, account updates, quality ratings: not messages, nothing for the record.
      if (change.field !== 'messages') {
        skipped.push({ reason: 'other_field', detail: change.field });
        continue;
      }
      const parsed = messagesValueSchema.safeParse(change.value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = `entry[${entryIndex}].changes[${changeIndex}].value.${issue?.path.join('.') ?? ''}`;
        return { ok: false, problem: `${where}: ${issue?.message ?? 'invalid'}` };
      }
      const value = parsed.data;
      if (value.metadata.phone_number_id !== options.phoneNumberId) {
        skipped.push({ reason: 'other_phone_number', detail: value.metadata.phone_number_id });
        continue;
      }
      for (const message of value.messages ?? []) events.push(messageEvent(options.accountId, value, message));
      for (const status of value.statuses ?? []) {
        const receipt = receiptEvent(options.accountId, value, status);
        if (receipt) events.push(receipt);
        else skipped.push({ reason: 'unknown_status', detail: status.status });
      }
    }
  }
  return { ok: true, events, skipped };
}

const fromSeconds = (value: string | number) => new Date(Number(value) * 1000);

/** wa_ids are phone numbers without the plus; the record keeps E.164 so the same number matches across channels. */
export const addressOfWaId = (waId: string) => (/^\d{6,15}$/.test(waId) ? `+${waId}` : waId);

function messageEvent(accountId: AccountId, value: MessagesValue, message: InboundMessage): MessageEvent {
  const contact = value.contacts?.find((c) => c.wa_id === message.from) ?? (value.contacts?.length === 1 ? value.contacts[0] : undefined);
  const address = addressOfWaId(message.from);
  const name = contact?.profile?.name?.trim();
  const content = contentOf(message);
  return {
    kind: 'message',
    accountId,
    providerMessageId: asProviderMessageId(message.id),
    direction: 'inbound',
    chat: { externalId: address, kind: 'direct' },
    contact: { address, ...(name ? { name } : {}) },
    messageKind: content.messageKind,
    ...(content.text !== undefined ? { text: content.text } : {}),
    ...(content.media ? { media: content.media } : {}),
    ...(content.relatesToProviderId ? { relatesToProviderId: content.relatesToProviderId } : {}),
    ...(message.context?.id ? { replyToProviderId: message.context.id } : {}),
    sentAt: fromSeconds(message.timestamp),
    raw: { whatsappCloud: { metadata: value.metadata, contact, message } },
  };
}

interface Content {
  messageKind: MessageKind;
  text?: string;
  media?: MediaRef[];
  relatesToProviderId?: string;
}

const mediaKinds = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/** The type-specific part of a message; a part that does not parse is kept raw as 'unsupported', never dropped. */
function contentOf(message: InboundMessage): Content {
  const part = (message as Record<string, unknown>)[message.type];
  const unsupported: Content = { messageKind: 'unsupported' };
  const parse = <T extends z.ZodType>(schema: T): z.infer<T> | undefined => {
    const parsed = schema.safeParse(part);
    return parsed.success ? parsed.data : undefined;
  };
  if (mediaKinds.has(message.type)) {
    const media = parse(mediaPartSchema);
    if (!media) return unsupported;
    return {
      messageKind: message.type as MessageKind,
      ...(media.caption ? { text: media.caption } : {}),
      media: [
        {
          mimeType: media.mime_type ?? 'application/octet-stream',
          providerMediaId: media.id,
          ...(media.filename ? { fileName: media.filename } : {}),
          ...(hexSha256(media.sha256) ? { sha256: hexSha256(media.sha256) } : {}),
          ...(media.url ? { url: media.url } : {}),
        },
      ],
    };
  }
  switch (message.type) {
    case 'text': {
      const text = parse(textPartSchema);
      return text ? { messageKind: 'text', text: text.body } : unsupported;
    }
    case 'reaction': {
      const reaction = parse(reactionPartSchema);
      if (!reaction) return unsupported;
      // An empty emoji is the client taking the reaction back: still a reaction, with no text.
      return { messageKind: 'reaction', relatesToProviderId: reaction.message_id, ...(reaction.emoji ? { text: reaction.emoji } : {}) };
    }
    case 'location': {
      const location = parse(locationPartSchema);
      if (!location) return unsupported;
      const label = [location.name, location.address].filter(Boolean).join(', ');
      return { messageKind: 'location', text: `${label ? `${label} ` : ''}(${location.latitude}, ${location.longitude})` };
    }
    case 'contacts': {
      const contacts = parse(contactsPartSchema);
      if (!contacts) return unsupported;
      const lines = contacts.map((c) =>
        [c.name?.formatted_name, ...(c.phones ?? []).map((p) => p.phone)].filter(Boolean).join(' '),
      );
      return { messageKind: 'contacts', text: lines.filter(Boolean).join('\n') || undefined };
    }
    case 'interactive': {
      const interactive = parse(interactivePartSchema);
      if (!interactive) return unsupported;
      const text = interactive.button_reply?.title ?? interactive.list_reply?.title ?? interactive.nfm_reply?.body;
      return { messageKind: 'interactive', ...(text !== undefined ? { text } : {}) };
    }
    case 'button': {
      // A tap on a template's quick-reply button.
      const button = parse(buttonPartSchema);
      return button ? { messageKind: 'interactive', text: button.text } : unsupported;
    }
    case 'system': {
      // "The customer changed their number": worth showing in the conversation, not a client's message.
      const system = parse(systemPartSchema);
      return { messageKind: 'unsupported', ...(system?.body ? { text: system.body } : {}) };
    }
    default:
      // 'unsupported', 'order', 'request_welcome' and types Meta adds later: kept raw for the record.
      return unsupported;
  }
}

/** Meta gives the SHA-256 in base64; the record keeps hex like the hashes it computes itself. */
function hexSha256(value: string | undefined): string | undefined {
  if (!value || !/^[A-Za-z0-9+/]{43}=$/.test(value)) return undefined;
  return Buffer.from(value, 'base64').toString('hex');
}

const receiptStatuses: Record<string, ReceiptStatus> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' };

function receiptEvent(accountId: AccountId, value: MessagesValue, status: Status): ReceiptEvent | null {
  const mapped = receiptStatuses[status.status];
  if (!mapped) return null;
  const error = status.errors
    ?.map((e) => {
      const title = e.title ?? e.message ?? 'unknown error';
      const details = e.error_data?.details && e.error_data.details !== title ? `: ${e.error_data.details}` : '';
      return `${title}${e.code !== undefined ? ` (code ${e.code})` : ''}${details}`;
    })
    .join('; ');
  return {
    kind: 'receipt',
    accountId,
    providerMessageId: asProviderMessageId(status.id),
    status: mapped,
    at: fromSeconds(status.timestamp),
    ...(mapped === 'failed' ? { error: error || 'failed (no reason given)' } : {}),
    raw: { whatsappCloud: { metadata: value.metadata, status } },
  };
}
