import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { MediaRef, MessageEvent, MessageKind, ReceiptEvent } from '../../core/events.js';
import { asAccountId, asProviderMessageId } from '../../core/ids.js';

// signal-cli's receive notifications -> the core's events. Provider ids follow how Signal names messages: by the
// sender's timestamp. The firm's own messages are named by the bare timestamp, exactly as signal-cli's send returns
// it and as receipts quote it; other people's messages by `<sender>:<timestamp>`, because a timestamp is only unique
// per sender and two clients writing in the same millisecond must not be stored as one message.

const timestampSchema = z.number().int().positive();
const attachmentSchema = z.looseObject({
  contentType: z.string().nullish(),
  filename: z.string().nullish(),
  id: z.string().nullish(),
  size: z.number().nullish(),
  storedFilename: z.string().nullish(),
  caption: z.string().nullish(),
});
// JsonGroupInfo: type is DELIVER for a message to the group, UPDATE (or QUIT) when the group itself changed.
const groupInfoSchema = z.looseObject({ groupId: z.string().min(1), groupName: z.string().nullish(), type: z.string().nullish() });
const quoteSchema = z.looseObject({
  id: timestampSchema,
  author: z.string().nullish(),
  authorNumber: z.string().nullish(),
  authorUuid: z.string().nullish(),
});
const reactionSchema = z.looseObject({
  emoji: z.string().nullish(),
  targetAuthor: z.string().nullish(),
  targetAuthorNumber: z.string().nullish(),
  targetAuthorUuid: z.string().nullish(),
  targetSentTimestamp: timestampSchema,
  isRemove: z.boolean().nullish(),
});
const dataMessageSchema = z.looseObject({
  timestamp: timestampSchema.nullish(),
  message: z.string().nullish(),
  expiresInSeconds: z.number().nullish(),
  isExpirationUpdate: z.boolean().nullish(),
  attachments: z.array(attachmentSchema).nullish(),
  groupInfo: groupInfoSchema.nullish(),
  quote: quoteSchema.nullish(),
  reaction: reactionSchema.nullish(),
  remoteDelete: z.looseObject({ timestamp: timestampSchema }).nullish(),
  sticker: z.unknown().optional(),
  contacts: z.array(z.unknown()).nullish(),
});
const sentMessageSchema = dataMessageSchema.extend({
  destination: z.string().nullish(),
  destinationNumber: z.string().nullish(),
  destinationUuid: z.string().nullish(),
  // JsonSyncDataMessage: the firm's own device edited one of its messages.
  editMessage: z.looseObject({ targetSentTimestamp: timestampSchema, dataMessage: dataMessageSchema }).nullish(),
});
export const signalEnvelopeSchema = z.looseObject({
  source: z.string().nullish(),
  sourceNumber: z.string().nullish(),
  sourceUuid: z.string().nullish(),
  sourceName: z.string().nullish(),
  timestamp: timestampSchema,
  dataMessage: dataMessageSchema.nullish(),
  editMessage: z.looseObject({ targetSentTimestamp: timestampSchema, dataMessage: dataMessageSchema }).nullish(),
  syncMessage: z.looseObject({ sentMessage: sentMessageSchema.nullish() }).nullish(),
  receiptMessage: z
    .looseObject({
      when: timestampSchema.nullish(),
      isDelivery: z.boolean().nullish(),
      isRead: z.boolean().nullish(),
      isViewed: z.boolean().nullish(),
      timestamps: z.array(timestampSchema),
    })
    .nullish(),
  typingMessage: z.unknown().optional(),
  callMessage: z.unknown().optional(),
  storyMessage: z.unknown().optional(),
});
export type SignalEnvelope = z.infer<typeof signalEnvelopeSchema>;
type DataMessage = z.infer<typeof dataMessageSchema>;

/** The envelope of a receive notification: plain (`params.envelope`) or of a subscription (`params.result.envelope`). */
/**
 * What a `receive` notification carries: the envelope, and the `exception` ({message, type}: JsonError) signal-cli
 * puts beside one it could not read. Both sit in `result` in manual receive mode, in `params` otherwise.
 */
export function receivedOf(params: unknown): { envelope: unknown; exception?: { message?: string; type?: string } } {
  if (typeof params !== 'object' || params === null) return { envelope: undefined };
  const object = params as Record<string, unknown>;
  const holder = typeof object.result === 'object' && object.result !== null && 'envelope' in object.result ? (object.result as Record<string, unknown>) : object;
  const exception = holder.exception;
  return {
    envelope: holder.envelope,
    ...(typeof exception === 'object' && exception !== null ? { exception: exception as { message?: string; type?: string } } : {}),
  };
}

/** The chat an envelope belongs to, read leniently (before validation) so that even a bad one is queued in order. */
export function chatKeyOf(envelope: unknown): string {
  const get = (value: unknown, ...keys: string[]): unknown =>
    keys.reduce<unknown>((at, key) => (typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined), value);
  const group =
    get(envelope, 'dataMessage', 'groupInfo', 'groupId') ??
    get(envelope, 'editMessage', 'dataMessage', 'groupInfo', 'groupId') ??
    get(envelope, 'syncMessage', 'sentMessage', 'groupInfo', 'groupId');
  if (typeof group === 'string') return `group:${group}`;
  const other =
    get(envelope, 'syncMessage', 'sentMessage', 'destinationNumber') ??
    get(envelope, 'syncMessage', 'sentMessage', 'destinationUuid') ??
    get(envelope, 'sourceNumber') ??
    get(envelope, 'sourceUuid') ??
    get(envelope, 'source');
  return typeof other === 'string' ? other : 'unknown';
}

export interface NormalizeSignalOptions {
  accountId: string;
  /** The firm's own number: quotes and reactions naming it target the firm's messages (bare timestamps). */
  ownNumber: string;
  attachmentsDir?: string;
}

export type SignalEvent = { chat: string; event: MessageEvent | ReceiptEvent };

/**
 * The events one envelope carries, each with the chat it belongs to (for per-chat ordering). Typing indicators,
 * calls and stories are not messages of the record and give none; anything else unrecognized is kept raw as
 * 'unsupported'. Throws only for an envelope that is not one (no timestamp): there is nothing to name it by.
 */
export async function normalizeSignalEnvelope(
  raw: unknown,
  options: NormalizeSignalOptions,
  exception?: { message?: string; type?: string },
): Promise<SignalEvent[]> {
  const envelope = signalEnvelopeSchema.parse(raw);
  const accountId = asAccountId(options.accountId);
  const sender = envelope.sourceNumber ?? envelope.source ?? envelope.sourceUuid ?? null;
  const senderKey = envelope.sourceUuid ?? sender;
  const theirs = (timestamp: number) => asProviderMessageId(`${senderKey}:${timestamp}`);
  const authorId = (timestamp: number, ...author: (string | null | undefined)[]) =>
    author.some((a) => a === options.ownNumber) || !author.some(Boolean)
      ? String(timestamp)
      : `${author.find((a) => a && !a.startsWith('+')) ?? author.find(Boolean)}:${timestamp}`;
  const contact = sender
    ? {
        address: sender,
        ...(envelope.sourceName ? { name: envelope.sourceName } : {}),
        ...(envelope.sourceUuid && envelope.sourceUuid !== sender ? { aliases: [envelope.sourceUuid] } : {}),
      }
    : undefined;
  const sentAt = new Date(envelope.timestamp);

  if (envelope.receiptMessage) {
    const receipt = envelope.receiptMessage;
    const status = receipt.isRead || receipt.isViewed ? 'read' : receipt.isDelivery ? 'delivered' : null;
    if (!status) return [];
    return receipt.timestamps.map((timestamp) => ({
      chat: sender ?? 'unknown',
      event: {
        kind: 'receipt',
        accountId,
        providerMessageId: asProviderMessageId(String(timestamp)),
        // The timestamp is the send's own (signal-cli answered it to `send`): with the sender, it finds a send whose
        // answer was never recorded.
        ...(sender ? { sentTo: { address: sender, sentAt: new Date(timestamp) } } : {}),
        status,
        at: new Date(receipt.when ?? envelope.timestamp),
        raw: { envelope: raw },
      },
    }));
  }

  const sent = envelope.syncMessage?.sentMessage;
  if (sent) {
    const to = sent.destinationNumber ?? sent.destination ?? sent.destinationUuid ?? null;
    const chat = sent.groupInfo ? groupChat(sent.groupInfo) : to ? { externalId: to, kind: 'direct' as const } : null;
    if (!chat) return [];
    // The firm's phone edited its own message: an edit of ours (named by its bare timestamp), not a new message.
    const content = sent.editMessage
      ? { ...(await contentOf(sent.editMessage.dataMessage, options, authorId)), messageKind: 'edit' as const, relatesToProviderId: String(sent.editMessage.targetSentTimestamp) }
      : await contentOf(sent, options, authorId);
    return [
      {
        chat: chat.externalId,
        event: {
          kind: 'message',
          accountId,
          providerMessageId: asProviderMessageId(String(sent.timestamp ?? envelope.timestamp)),
          direction: 'outbound',
          chat,
          ...(to && !sent.groupInfo
            ? { contact: { address: to, ...(sent.destinationUuid && sent.destinationUuid !== to ? { aliases: [sent.destinationUuid] } : {}) } }
            : {}),
          sentAt: new Date(sent.timestamp ?? envelope.timestamp),
          ...content,
          raw: { envelope: raw },
        },
      },
    ];
  }
  if (envelope.syncMessage) return []; // read-sync, contacts, blocked lists: the firm's own bookkeeping, not messages.

  if (!senderKey) return [];
  const edit = envelope.editMessage;
  const data = edit?.dataMessage ?? envelope.dataMessage;
  if (!data) {
    if (envelope.typingMessage !== undefined || envelope.callMessage !== undefined || envelope.storyMessage !== undefined) return [];
    const chat = { externalId: sender ?? senderKey, kind: 'direct' as const };
    // signal-cli could not read it (an untrusted identity after a safety-number change, a decryption failure). It
    // emits the same envelope again, with its content, once the identity is trusted: the failure is kept as an event
    // of its own id, so the message itself is not taken for a duplicate of it and lost.
    const providerMessageId = exception
      ? asProviderMessageId(`${senderKey}:${envelope.timestamp}:exception:${exception.type ?? 'unknown'}`)
      : theirs(envelope.timestamp);
    return [
      {
        chat: chat.externalId,
        event: { kind: 'message', accountId, providerMessageId, direction: 'inbound', chat, contact, messageKind: 'unsupported', sentAt, raw: { envelope: raw, ...(exception ? { exception } : {}) } },
      },
    ];
  }
  const chat = data.groupInfo ? groupChat(data.groupInfo) : { externalId: sender ?? senderKey, kind: 'direct' as const };
  const content = edit
    ? { ...(await contentOf(data, options, authorId)), messageKind: 'edit' as const, relatesToProviderId: theirs(edit.targetSentTimestamp) }
    : data.remoteDelete
      ? { messageKind: 'deletion' as const, relatesToProviderId: theirs(data.remoteDelete.timestamp) }
      : await contentOf(data, options, authorId);
  return [
    {
      chat: chat.externalId,
      event: {
        kind: 'message',
        accountId,
        providerMessageId: theirs(data.timestamp ?? envelope.timestamp),
        direction: 'inbound',
        chat,
        contact,
        sentAt,
        ...content,
        raw: { envelope: raw },
      },
    },
  ];
}

const groupChat = (group: { groupId: string; groupName?: string | null }) => ({
  externalId: `group:${group.groupId}`,
  kind: 'group' as const,
  ...(group.groupName ? { title: group.groupName } : {}),
});

type Content = Pick<MessageEvent, 'messageKind' | 'text' | 'media' | 'replyToProviderId' | 'relatesToProviderId'>;

async function contentOf(
  data: DataMessage,
  options: NormalizeSignalOptions,
  authorId: (timestamp: number, ...author: (string | null | undefined)[]) => string,
): Promise<Content> {
  // A caption travels on the attachment (JsonAttachment.caption); the record keeps it as the message's text.
  const captions = (data.attachments ?? []).map((a) => a.caption).filter((c): c is string => !!c);
  const text = data.message ?? (captions.length > 0 ? captions.join('\n') : undefined);
  const reply = data.quote ? { replyToProviderId: authorId(data.quote.id, data.quote.authorUuid, data.quote.authorNumber, data.quote.author) } : {};
  if (data.reaction) {
    const r = data.reaction;
    return {
      messageKind: 'reaction',
      ...(r.emoji && !r.isRemove ? { text: r.emoji } : {}),
      relatesToProviderId: authorId(r.targetSentTimestamp, r.targetAuthorUuid, r.targetAuthorNumber, r.targetAuthor),
    };
  }
  // The chat changed rather than someone writing: a disappearing-messages timer, a group's name or members.
  const groupChanged = data.groupInfo?.type === 'UPDATE' || data.groupInfo?.type === 'QUIT';
  if ((data.isExpirationUpdate || groupChanged) && !data.message && !(data.attachments && data.attachments.length > 0)) return { messageKind: 'event' };
  const media = await Promise.all((data.attachments ?? []).map((a) => mediaOf(a, options.attachmentsDir)));
  let messageKind: MessageKind = 'text';
  if (media[0]) messageKind = kindOfMime(media[0].mimeType);
  else if (data.sticker !== undefined && data.sticker !== null) messageKind = 'sticker';
  else if (data.contacts && data.contacts.length > 0) messageKind = 'contacts';
  else if (text === undefined) messageKind = 'unsupported';
  return { messageKind, ...(text !== undefined ? { text } : {}), ...(media.length > 0 ? { media } : {}), ...reply };
}

const kindOfMime = (mime: string): MessageKind =>
  mime.startsWith('image/') ? 'image' : mime.startsWith('video/') ? 'video' : mime.startsWith('audio/') ? 'audio' : 'document';

// Hashing reads the whole file: bigger files are referenced without a hash rather than held in memory.
const maxHashBytes = 100 * 1024 * 1024;

async function mediaOf(attachment: z.infer<typeof attachmentSchema>, attachmentsDir: string | undefined): Promise<MediaRef> {
  const ref: MediaRef = {
    mimeType: attachment.contentType || 'application/octet-stream',
    ...(attachment.filename ? { fileName: attachment.filename } : {}),
    ...(typeof attachment.size === 'number' ? { size: attachment.size } : {}),
    ...(attachment.id ? { providerMediaId: attachment.id } : {}),
  };
  const file = attachment.storedFilename ?? (attachmentsDir && attachment.id ? path.join(attachmentsDir, path.basename(attachment.id)) : null);
  if (!file) return ref;
  ref.url = pathToFileURL(file).href;
  try {
    const info = await stat(file);
    if (info.isFile() && info.size <= maxHashBytes) {
      // The bytes are handed over with the event: capture encrypts them into the record's blob store at once, so the
      // record does not depend on signal-cli's folder keeping the file.
      const data = await readFile(file);
      ref.data = data;
      ref.sha256 = createHash('sha256').update(data).digest('hex');
      ref.size ??= info.size;
    }
  } catch {
    // The file may not be there yet (or on another host): the reference and the id still say where it is.
  }
  return ref;
}
