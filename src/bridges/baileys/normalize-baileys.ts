import type { MediaType } from '@whiskeysockets/baileys';
import { encodeBaileysMediaRef } from './baileys-media-ref.js';
import type { WAMessage, WAMessageKey, proto } from '@whiskeysockets/baileys';
import { BufferJSON, WAMessageStubType, getContentType, normalizeMessageContent, proto as waProto } from '@whiskeysockets/baileys';
import type { ContactRef, MediaRef, MessageEvent, MessageKind } from '../../core/events.js';
import { asAccountId, asProviderMessageId } from '../../core/ids.js';
import { isGroupJid } from '../socket/whatsapp-address.js';

// Baileys' WAMessage (proto.IWebMessageInfo plus a v7 key with LID/phone alternates) -> the core's MessageEvent.
// Edits, deletions and reactions become events of their own that name their target; a message Baileys could not
// decrypt, or content we do not model, is kept raw as 'unsupported' rather than dropped.

export interface NormalizeBaileysOptions {
  accountId: string;
  /** Arrived by history sync or offline replay ('append'): captured, but nothing acts on it. */
  backfilled: boolean;
  /** The contact for a set of JIDs naming one person (phone address first, other forms as aliases). */
  resolvePerson(jids: (string | null | undefined)[]): Promise<ContactRef | null>;
}

export type NormalizedBaileys = { chat: string; event: MessageEvent } | { skip: string };

type Content = Pick<MessageEvent, 'messageKind' | 'text' | 'media' | 'replyToProviderId' | 'relatesToProviderId'>;

/** Protocol messages that are the library's own bookkeeping (keys, history notices, settings), not messages. */
const recordedProtocolTypes = new Set([waProto.Message.ProtocolMessage.Type.REVOKE, waProto.Message.ProtocolMessage.Type.MESSAGE_EDIT]);

export async function normalizeBaileysMessage(message: WAMessage, options: NormalizeBaileysOptions): Promise<NormalizedBaileys> {
  const key: WAMessageKey | undefined = message?.key;
  if (!key?.id || !key.remoteJid) return { skip: 'a message without an id or chat' };
  if (key.remoteJid === 'status@broadcast' || key.remoteJid.endsWith('@newsletter')) return { skip: 'a status or channel post' };
  const group = isGroupJid(key.remoteJid);
  const chatPerson = group ? null : await options.resolvePerson([key.remoteJid, key.remoteJidAlt]);
  const chat = group
    ? { externalId: key.remoteJid, kind: 'group' as const }
    : { externalId: chatPerson?.address ?? key.remoteJid, kind: 'direct' as const };
  const author = key.fromMe ? null : group ? await options.resolvePerson([key.participant, key.participantAlt]) : chatPerson;
  const contact = key.fromMe ? (group ? null : chatPerson) : author;

  let content: Content | null;
  try {
    content = contentOf(message);
  } catch {
    content = { messageKind: 'unsupported' };
  }
  if (!content) return { skip: 'a protocol message of the library' };
  // The name the sender chose (pushName), else their WhatsApp username (Baileys rc14 reads it onto the key).
  const username = group ? key.participantUsername : key.remoteJidUsername;
  const shownName = message.pushName || username;
  const name = !key.fromMe && shownName ? { name: shownName } : {};
  return {
    chat: chat.externalId,
    event: {
      kind: 'message',
      accountId: asAccountId(options.accountId),
      providerMessageId: asProviderMessageId(key.id),
      direction: key.fromMe ? 'outbound' : 'inbound',
      chat,
      ...(contact ? { contact: { ...contact, ...name } } : {}),
      sentAt: dateOf(message.messageTimestamp),
      ...(options.backfilled ? { backfilled: true } : {}),
      ...content,
      raw: rawOf(message),
    },
  };
}

function contentOf(message: WAMessage): Content | null {
  if (message.messageStubType === WAMessageStubType.CIPHERTEXT || (!message.message && message.messageStubType)) {
    // Undecryptable (no session yet, a device WhatsApp has not told us about): a placeholder that keeps the payload.
    return message.messageStubType === WAMessageStubType.CIPHERTEXT ? { messageKind: 'unsupported' } : null;
  }
  const content = normalizeMessageContent(message.message);
  if (!content) return { messageKind: 'unsupported' };
  const type = getContentType(content);
  const context = contextOf(content, type);
  const reply = context?.stanzaId ? { replyToProviderId: context.stanzaId } : {};

  if (content.protocolMessage) {
    const protocol = content.protocolMessage;
    if (protocol.type === null || protocol.type === undefined || !recordedProtocolTypes.has(protocol.type)) return null;
    const target = protocol.key?.id ?? undefined;
    if (protocol.type === waProto.Message.ProtocolMessage.Type.REVOKE) return { messageKind: 'deletion', relatesToProviderId: target };
    const edited = normalizeMessageContent(protocol.editedMessage);
    return { messageKind: 'edit', ...optionalText(edited ? textOf(edited) : undefined), relatesToProviderId: target };
  }
  if (content.reactionMessage) {
    const reaction = content.reactionMessage;
    return { messageKind: 'reaction', ...optionalText(reaction.text || undefined), relatesToProviderId: reaction.key?.id ?? undefined };
  }
  const media = mediaOf(content, message.key);
  if (media) return { ...media, ...optionalText(media.caption), ...reply, messageKind: media.messageKind };
  if (content.conversation !== undefined && content.conversation !== null) return { messageKind: 'text', text: content.conversation, ...reply };
  if (content.extendedTextMessage?.text !== undefined && content.extendedTextMessage.text !== null) {
    return { messageKind: 'text', text: content.extendedTextMessage.text, ...reply };
  }
  if (content.locationMessage || content.liveLocationMessage) {
    const location = content.locationMessage ?? content.liveLocationMessage!;
    const place = 'name' in location ? [location.name, location.address].filter(Boolean).join(', ') : '';
    const where = `${location.degreesLatitude ?? '?'},${location.degreesLongitude ?? '?'}`;
    return { messageKind: 'location', text: place ? `${place} (${where})` : where, ...reply };
  }
  if (content.contactMessage || content.contactsArrayMessage) {
    const names = content.contactMessage
      ? [content.contactMessage.displayName]
      : (content.contactsArrayMessage?.contacts ?? []).map((c) => c.displayName);
    return { messageKind: 'contacts', ...optionalText(names.filter(Boolean).join(', ') || undefined), ...reply };
  }
  if (content.buttonsResponseMessage || content.listResponseMessage || content.templateButtonReplyMessage || content.interactiveResponseMessage) {
    const text =
      content.buttonsResponseMessage?.selectedDisplayText ??
      content.listResponseMessage?.title ??
      content.templateButtonReplyMessage?.selectedDisplayText ??
      content.interactiveResponseMessage?.body?.text ??
      undefined;
    return { messageKind: 'interactive', ...optionalText(text), ...reply };
  }
  // Polls, events, payments, kinds WhatsApp adds later: kept raw, with whatever text they carry.
  return { messageKind: 'unsupported', ...optionalText(textOf(content)), ...reply };
}

const optionalText = (text: string | null | undefined) => (text ? { text } : {});

function textOf(content: proto.IMessage): string | undefined {
  return (
    content.conversation ??
    content.extendedTextMessage?.text ??
    content.imageMessage?.caption ??
    content.videoMessage?.caption ??
    content.documentMessage?.caption ??
    content.pollCreationMessage?.name ??
    content.pollCreationMessageV3?.name ??
    undefined
  ) || undefined;
}

function contextOf(content: proto.IMessage, type: keyof proto.IMessage | undefined): proto.IContextInfo | null | undefined {
  if (!type) return undefined;
  const inner = content[type] as { contextInfo?: proto.IContextInfo | null } | null | undefined;
  return typeof inner === 'object' && inner !== null && 'contextInfo' in inner ? inner.contextInfo : undefined;
}

// The message field, the record's kind, and WhatsApp's media type (the HKDF info its keys are derived with).
const mediaKinds = [
  ['imageMessage', 'image', 'image'],
  ['videoMessage', 'video', 'video'],
  ['ptvMessage', 'video', 'ptv'],
  ['audioMessage', 'audio', 'audio'],
  ['documentMessage', 'document', 'document'],
  ['stickerMessage', 'sticker', 'sticker'],
] as const satisfies readonly (readonly [keyof proto.IMessage, MessageKind, MediaType])[];

const base64 = (bytes: Uint8Array | null | undefined) => (bytes && bytes.length > 0 ? Buffer.from(bytes).toString('base64') : null);

function mediaOf(content: proto.IMessage, key: WAMessage['key']): (Content & { caption?: string }) | null {
  for (const [field, kind, mediaType] of mediaKinds) {
    const media = content[field] as proto.Message.IDocumentMessage | null | undefined;
    if (!media) continue;
    const ref: MediaRef = { mimeType: media.mimetype || 'application/octet-stream' };
    if (media.fileName) ref.fileName = media.fileName;
    const size = media.fileLength === null || media.fileLength === undefined ? undefined : Number(media.fileLength);
    if (size !== undefined && Number.isFinite(size)) ref.size = size;
    // WhatsApp's fileSha256 is the plaintext's hash: the same the blob store computes after download.
    if (media.fileSha256 && media.fileSha256.length === 32) ref.sha256 = Buffer.from(media.fileSha256).toString('hex');
    // What the media job needs to fetch and decrypt it through Baileys' crypto (baileys-media.ts); never a URL
    // fetched as it is: the file is WhatsApp's encrypted blob, and the url field is the sender's to write.
    if (media.mediaKey && media.mediaKey.length > 0 && (media.directPath || media.url)) {
      ref.providerMediaId = encodeBaileysMediaRef({
        mediaType,
        directPath: media.directPath ?? null,
        url: media.url ?? null,
        mediaKey: base64(media.mediaKey)!,
        fileEncSha256: base64(media.fileEncSha256),
        fileSha256: base64(media.fileSha256),
        message: { key: { remoteJid: key.remoteJid ?? null, fromMe: key.fromMe ?? null, id: key.id ?? null, participant: key.participant ?? null }, field },
      });
    }
    return { messageKind: kind, media: [ref], ...(media.caption ? { caption: media.caption } : {}) };
  }
  return null;
}

export function dateOf(timestamp: WAMessage['messageTimestamp']): Date {
  const seconds = typeof timestamp === 'number' ? timestamp : timestamp ? Number(timestamp.toString()) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date();
}

/** The payload as JSON the record can keep: Baileys' BufferJSON turns bytes into base64 and Longs into numbers. */
export function rawOf(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value, BufferJSON.replacer)) as unknown;
  } catch {
    return { unserializable: String(value) };
  }
}
