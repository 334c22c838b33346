import type { z } from 'zod';
import type { BridgeEvent, MessageEvent, ReceiptEvent } from '../../core/bridge-events.js';
import type { MediaRef, MessageKind, ReceiptStatus } from '../../core/events.js';
import type { AccountId } from '../../core/ids.js';
import { asProviderMessageId } from '../../core/ids.js';
import type { InboundMessage, MessagesValue, MetaError, Status, WebhookPayload } from './whatsapp-cloud-payload.js';
import {
  buttonPartSchema,
  inboundMessageSchema,
  metaErrorSchema,
  statusSchema,
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
  /**
   * The account that owns a number of this app: the receiving account's own, or another account of the firm on the
   * same Meta app (same app secret). Undefined for a number no account here owns.
   */
  accountFor(phoneNumberId: string): AccountId | undefined;
  payload: WebhookPayload;
  /** When the webhook arrived: the time of reports that carry none of their own. */
  now?: Date;
}

export interface SkippedPart {
  reason: 'other_field' | 'unknown_status' | 'other_object';
  detail: string;
}

/** Something Meta said that is not a message or receipt, kept for the account's admin (AccountReport). */
export interface WebhookReport {
  accountId: AccountId;
  kind: 'provider_error' | 'unparsed' | 'unrouted';
  detail: string;
  raw: unknown;
  at: Date;
}

/** Every event of one webhook payload, in payload order, and the reports; or the path of the part that is malformed. */
export type NormalizedWebhook =
  | { ok: true; events: BridgeEvent[]; reports: WebhookReport[]; skipped: SkippedPart[] }
  | { ok: false; problem: string };

/**
 * Turns one Cloud API webhook into normalized events. The envelope (object, entry, changes, a change's metadata) must
 * be whole or the payload is refused: nothing in it can be placed. Inside a change, each message and status is taken
 * on its own: one that does not parse is reported with its raw JSON and never costs the others.
 */
export function normalizeWhatsAppCloud(options: NormalizeWhatsAppCloudOptions): NormalizedWebhook {
  const { payload } = options;
  const now = options.now ?? new Date();
  const events: BridgeEvent[] = [];
  const reports: WebhookReport[] = [];
  const skipped: SkippedPart[] = [];
  // Meta signs every object its app subscribes to; only WhatsApp's carries messages for us.
  if (payload.object !== 'whatsapp_business_account') {
    return { ok: true, events, reports, skipped: [{ reason: 'other_object', detail: payload.object }] };
  }
  for (const [entryIndex, entry] of payload.entry.entries()) {
    for (const [changeIndex, change] of entry.changes.entries()) {
      // Template reviews, account updates, quality ratings: not messages, nothing for the record.
      if (change.field !== 'messages') {
        skipped.push({ reason: 'other_field', detail: change.field });
        continue;
      }
      const where = `entry[${entryIndex}].changes[${changeIndex}].value`;
      const parsed = messagesValueSchema.safeParse(change.value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return { ok: false, problem: `${where}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
      }
      const value = parsed.data;
      const owner = options.accountFor(value.metadata.phone_number_id);
      if (!owner) {
        // Subscribed to this app but no account here has the number: kept where the admin sees it, never dropped.
        reports.push({
          accountId: options.accountId,
          kind: 'unrouted',
          detail: `events for phone number id ${value.metadata.phone_number_id}, which no WhatsApp Cloud account of this firm on this app owns`,
          raw: { whatsappCloud: { entryId: entry.id, value: change.value } },
          at: now,
        });
        continue;
      }
      for (const error of parseErrors(value.errors)) {
        reports.push({ accountId: owner, kind: 'provider_error', detail: `Meta reported: ${describeError(error)}`, raw: { whatsappCloud: { metadata: value.metadata, error } }, at: now });
      }
      for (const [index, raw] of (value.messages ?? []).entries()) {
        const message = inboundMessageSchema.safeParse(raw);
        if (!message.success) {
          reports.push(unparsed(owner, 'message', `${where}.messages[${index}]`, message.error, { metadata: value.metadata, message: raw }, now));
          continue;
        }
        events.push(messageEvent(owner, value, message.data));
        for (const error of message.data.errors ?? []) {
          reports.push({
            accountId: owner,
            kind: 'provider_error',
            detail: `message ${message.data.id}: ${describeError(error)}`,
            raw: { whatsappCloud: { metadata: value.metadata, messageId: message.data.id, error } },
            at: fromSeconds(message.data.timestamp),
          });
        }
      }
      for (const [index, raw] of (value.statuses ?? []).entries()) {
        const status = statusSchema.safeParse(raw);
        if (!status.success) {
          reports.push(unparsed(owner, 'status', `${where}.statuses[${index}]`, status.error, { metadata: value.metadata, status: raw }, now));
          continue;
        }
        const receipt = receiptEvent(owner, value, status.data);
        if (receipt) events.push(receipt);
        else skipped.push({ reason: 'unknown_status', detail: status.data.status });
      }
    }
  }
  return { ok: true, events, reports, skipped };
}

/** A message or status that does not parse: reported with where and why, and its JSON as Meta sent it. */
function unparsed(accountId: AccountId, what: string, where: string, error: z.ZodError, raw: Record<string, unknown>, at: Date): WebhookReport {
  const issue = error.issues[0];
  return {
    accountId,
    kind: 'unparsed',
    detail: `a ${what} Matterline could not read (${where}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}); kept as Meta sent it`,
    raw: { whatsappCloud: raw },
    at,
  };
}

const fromSeconds = (value: string | number) => new Date(Number(value) * 1000);

/** wa_ids are phone numbers without the plus; the record keeps E.164 so the same number matches across channels. */
export const addressOfWaId = (waId: string) => (/^\d{6,15}$/.test(waId) ? `+${waId}` : waId);

/** Errors Meta listed, each read on its own: one that is not an object is kept as its text. */
function parseErrors(errors: unknown[] | undefined): MetaError[] {
  return (errors ?? []).map((error) => {
    const parsed = metaErrorSchema.safeParse(error);
    return parsed.success ? parsed.data : { message: JSON.stringify(error)?.slice(0, 2000) ?? 'unreadable error' };
  });
}

export function describeError(error: MetaError): string {
  const title = error.title ?? error.message ?? 'unknown error';
  const details = error.error_data?.details && error.error_data.details !== title ? `: ${error.error_data.details}` : '';
  return `${title}${error.code !== undefined ? ` (code ${error.code})` : ''}${details}`;
}

type Contact = NonNullable<MessagesValue['contacts']>[number];

function messageEvent(accountId: AccountId, value: MessagesValue, message: InboundMessage): MessageEvent {
  const phone = message.from;
  const userId = message.from_user_id;
  const contact: Contact | undefined =
    value.contacts?.find((c) => (phone !== undefined && c.wa_id === phone) || (userId !== undefined && c.user_id === userId)) ??
    (value.contacts?.length === 1 ? value.contacts[0] : undefined);
  // Filed under the phone number when Meta shares it, so the same person matches across channels; else under the
  // business-scoped user id, which is also what a reply is addressed to.
  const address = phone !== undefined ? addressOfWaId(phone) : userId!;
  const aliases = [...new Set([userId, message.from_parent_user_id].filter((id): id is string => id !== undefined && id !== address))];
  const name = contact?.profile?.name?.trim() || contact?.profile?.username?.trim();
  const content = contentOf(message);
  return {
    kind: 'message',
    accountId,
    providerMessageId: asProviderMessageId(message.id),
    direction: 'inbound',
    // A group's messages share one conversation; its members are contacts, never asked for consent one by one.
    chat: message.group_id ? { externalId: `group:${message.group_id}`, kind: 'group' } : { externalId: address, kind: 'direct' },
    contact: { address, ...(name ? { name } : {}), ...(aliases.length > 0 ? { aliases } : {}) },
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
  const error = status.errors?.map(describeError).join('; ');
  return {
    kind: 'receipt',
    accountId,
    providerMessageId: asProviderMessageId(status.id),
    // Matterline's own id, echoed by Meta: places the status even when the send's answer was never read.
    ...(status.biz_opaque_callback_data ? { clientMessageId: status.biz_opaque_callback_data } : {}),
    status: mapped,
    at: fromSeconds(status.timestamp),
    ...(mapped === 'failed' ? { error: error || 'failed (no reason given)' } : {}),
    raw: { whatsappCloud: { metadata: value.metadata, status } },
  };
}
