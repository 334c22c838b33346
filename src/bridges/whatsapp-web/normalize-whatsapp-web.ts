import type { Message } from 'whatsapp-web.js';
import type { ContactRef, MediaRef, MessageEvent, MessageKind, ReceiptStatus } from '../../core/events.js';
import { asAccountId, asProviderMessageId } from '../../core/ids.js';
import { isGroupJid } from '../socket/whatsapp-address.js';

// whatsapp-web.js Message objects (a view of WhatsApp Web's own message model) -> the core's MessageEvent. The
// provider id is the WhatsApp message id (id.id), the same one Baileys and the phone use; edits and revokes have no
// id of their own in this library, so theirs are derived from their target and stay the same on every replay.

export interface NormalizeWhatsAppWebOptions {
  accountId: string;
  backfilled?: boolean;
  resolvePerson(jids: (string | null | undefined)[]): Promise<ContactRef | null>;
}

type Raw = Record<string, unknown>;
const rawData = (message: Message): Raw => (typeof message.rawData === 'object' && message.rawData !== null ? (message.rawData as Raw) : {});

const mediaKinds: Partial<Record<string, MessageKind>> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  ptt: 'audio',
  document: 'document',
  sticker: 'sticker',
};

/** The chat a message belongs to (the other party for the firm's own messages). */
export const chatJidOf = (message: Message): string => (message.fromMe ? message.to : message.from);

export async function normalizeWhatsAppWebMessage(
  message: Message,
  options: NormalizeWhatsAppWebOptions,
  overrides: Partial<Pick<MessageEvent, 'providerMessageId' | 'messageKind' | 'text' | 'relatesToProviderId' | 'sentAt'>> = {},
): Promise<MessageEvent | null> {
  const id = message?.id?.id;
  const chatJid = message ? chatJidOf(message) : undefined;
  if (!id || !chatJid || chatJid === 'status@broadcast') return null;
  const raw = rawData(message);
  const group = isGroupJid(chatJid);
  const chatPerson = group ? null : await options.resolvePerson([chatJid]);
  const author = message.fromMe ? null : group ? await options.resolvePerson([message.author]) : chatPerson;
  const contact = message.fromMe ? (group ? null : chatPerson) : author;
  const pushName = typeof raw.notifyName === 'string' && !message.fromMe ? { name: raw.notifyName } : {};
  const quoted = typeof raw.quotedStanzaID === 'string' ? { replyToProviderId: raw.quotedStanzaID } : {};
  return {
    kind: 'message',
    accountId: asAccountId(options.accountId),
    providerMessageId: asProviderMessageId(id),
    direction: message.fromMe ? 'outbound' : 'inbound',
    chat: { externalId: group ? chatJid : (chatPerson?.address ?? chatJid), kind: group ? 'group' : 'direct' },
    ...(contact ? { contact: { ...contact, ...pushName } } : {}),
    sentAt: typeof message.timestamp === 'number' && message.timestamp > 0 ? new Date(message.timestamp * 1000) : new Date(),
    ...(options.backfilled ? { backfilled: true } : {}),
    ...contentOf(message, raw),
    ...quoted,
    ...overrides,
    raw: { message: raw, id: message.id },
  };
}

function contentOf(message: Message, raw: Raw): Pick<MessageEvent, 'messageKind' | 'text' | 'media'> {
  const body = typeof message.body === 'string' && message.body ? { text: message.body } : {};
  const mediaKind = mediaKinds[message.type];
  if (mediaKind) {
    const media: MediaRef = { mimeType: typeof raw.mimetype === 'string' ? raw.mimetype : 'application/octet-stream' };
    if (typeof raw.filename === 'string') media.fileName = raw.filename;
    if (typeof raw.size === 'number') media.size = raw.size;
    // filehash is the base64 SHA-256 of the plaintext file.
    if (typeof raw.filehash === 'string') media.sha256 = Buffer.from(raw.filehash, 'base64').toString('hex');
    if (typeof raw.directPath === 'string') media.providerMediaId = raw.directPath;
    // For media, WhatsApp Web puts the thumbnail in body; the caption is the text.
    const caption = typeof raw.caption === 'string' && raw.caption ? { text: raw.caption } : {};
    return { messageKind: mediaKind, media: [media], ...caption };
  }
  switch (message.type) {
    case 'chat':
      return { messageKind: 'text', ...body };
    case 'location': {
      const location = message.location;
      const where = location ? `${location.latitude},${location.longitude}` : '';
      const description = location?.description ? `${location.description} (${where})` : where;
      return { messageKind: 'location', ...(description ? { text: description } : {}) };
    }
    case 'vcard':
    case 'multi_vcard':
      return { messageKind: 'contacts', ...body };
    case 'buttons_response':
    case 'list_response':
    case 'template_button_reply':
    case 'interactive':
      return { messageKind: 'interactive', ...body };
    default:
      // ciphertext (not yet decrypted), polls, payments, types WhatsApp adds later: kept raw, never dropped.
      return { messageKind: 'unsupported', ...body };
  }
}

const ackStatus: Partial<Record<number, ReceiptStatus>> = { [-1]: 'failed', 2: 'delivered', 3: 'read', 4: 'read' };

/** The receipt a message_ack carries, or null for acks that are not receipts (pending, server). */
export function receiptOfAck(ack: number): ReceiptStatus | null {
  return ackStatus[ack] ?? null;
}
