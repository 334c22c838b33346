import { safeFileName } from './matter-media.js';
import type { StoredMedia } from './media-source.js';

// How the record's rows become RSMF 2.0 manifest entries (see export-rsmf.ts). Pure functions, so that the mapping
// can be read and tested apart from the streaming.

export type RsmfParticipantKind = 'user' | 'contact' | 'account';

export interface RsmfParticipantRow {
  /** The manifest's participant id (see rsmfParticipantId). */
  id: string;
  kind: RsmfParticipantKind;
  /** The record's id of the user, contact identity or channel account. */
  refId: string;
  display: string;
  email: string | null;
  /** A contact's or account's phone number or handle. */
  address: string | null;
  conversationIds: string[];
}

export interface RsmfEventRow {
  at: Date;
  id: string;
  conversationId: string;
  accountId: string;
  direction: 'inbound' | 'outbound';
  kind: string;
  text: string | null;
  editedText: string | null;
  deletedBySender: boolean;
  authorUserId: string | null;
  authorName: string | null;
  identityId: string | null;
  replyToId: string | null;
  status: string;
  deliveredAt: Date | null;
  readAt: Date | null;
  afterHours: boolean;
  backfilled: boolean;
  templateName: string | null;
  conversationIdentityId: string | null;
  reactions: { text: string | null; identityId: string | null; authorUserId: string | null }[];
  edits: { at: string; text: string | null; identityId: string | null; authorUserId: string | null }[];
  deletionRecorded: boolean;
  attachments: { id: string; fileName: string | null; mimeType: string; size: number | null; state: string }[];
}

/** A participant's id in the manifest: its kind and the record's id, so that the same person is one participant. */
export const rsmfParticipantId = (kind: RsmfParticipantKind, refId: string): string => `${kind}:${refId}`;

/** The platform a review platform shows, by channel kind. */
export function rsmfPlatform(channel: string): string {
  switch (channel) {
    case 'twilio':
      return 'sms';
    case 'signal':
      return 'signal';
    case 'simulator':
      return 'simulator';
    default:
      return 'whatsapp';
  }
}

/** An attachment's file name inside rsmf.zip: at the root, unique by its id, kept to safe characters. */
export function rsmfFileName(media: Pick<StoredMedia, 'id' | 'fileName' | 'mimeType'>): string {
  const name = safeFileName(media.fileName);
  return name ? `${media.id}-${name}` : `${media.id}.${extensionOf(media.mimeType)}`;
}

function extensionOf(mimeType: string): string {
  const subtype = mimeType.split(';')[0]?.split('/')[1]?.trim() ?? '';
  return /^[a-z0-9]{1,10}$/i.test(subtype) ? subtype.toLowerCase() : 'bin';
}

/** Who sent the message: the firm's person who wrote it, the account for an automatic reply, the contact for inbound. */
function sourceOf(row: Pick<RsmfEventRow, 'direction' | 'authorUserId' | 'identityId' | 'accountId'>): string {
  if (row.direction === 'inbound') return row.identityId ? rsmfParticipantId('contact', row.identityId) : rsmfParticipantId('account', row.accountId);
  return row.authorUserId ? rsmfParticipantId('user', row.authorUserId) : rsmfParticipantId('account', row.accountId);
}

const whoDid = (identityId: string | null, authorUserId: string | null, accountId: string) =>
  identityId ? rsmfParticipantId('contact', identityId) : authorUserId ? rsmfParticipantId('user', authorUserId) : rsmfParticipantId('account', accountId);

/**
 * One manifest event. Times are UTC (ISO 8601 with Z). Direction is relative to the custodian, the firm's account.
 * Edits carry the text before and after each edit; a deletion by the sender marks the event deleted (its text stays,
 * as the record kept it); reactions are counted per emoji with who gave them; attachments name their file in the ZIP,
 * and one the ZIP lacks (never downloaded) is named in the event's custom fields instead.
 */
export function rsmfEvent(row: RsmfEventRow, inZip: ReadonlyMap<string, string>): Record<string, unknown> {
  const custom: { name: string; value: string }[] = [
    { name: 'Matterline message id', value: row.id },
    { name: 'Kind', value: row.kind },
    { name: 'Status', value: row.status },
  ];
  if (row.direction === 'outbound' && !row.authorUserId) custom.push({ name: 'Sent by', value: 'Matterline (automatic)' });
  if (row.templateName) custom.push({ name: 'Template', value: row.templateName });
  if (row.afterHours) custom.push({ name: 'After hours', value: 'yes' });
  if (row.backfilled) custom.push({ name: 'Backfilled', value: 'yes (history sync)' });
  if (row.replyToId) custom.push({ name: 'Reply to', value: row.replyToId });
  const attachments: Record<string, unknown>[] = [];
  for (const file of row.attachments) {
    const name = inZip.get(file.id);
    if (name) attachments.push({ id: name, display: file.fileName ?? name, ...(file.size !== null ? { size: file.size } : {}) });
    else custom.push({ name: 'Attachment not in this export', value: `${file.fileName ?? file.mimeType} (${file.state})` });
  }

  // Each edit replaces the text before it: the first edit's previous text is the message as first sent.
  let previous = row.text ?? '';
  const edits = row.edits.map((edit) => {
    const entry = {
      participant: whoDid(edit.identityId, edit.authorUserId, row.accountId),
      timestamp: new Date(edit.at).toISOString(),
      previous,
      new: edit.text ?? '',
    };
    previous = edit.text ?? '';
    return entry;
  });
  if (edits.length === 0 && row.editedText !== null) {
    // An edit known only from the message's own field (the channel reported the new text, not when).
    edits.push({ participant: sourceOf(row), timestamp: row.at.toISOString(), previous, new: row.editedText });
  }

  const reactions = new Map<string, Set<string>>();
  for (const reaction of row.reactions) {
    if (!reaction.text) continue;
    const who = reactions.get(reaction.text) ?? new Set<string>();
    who.add(whoDid(reaction.identityId, reaction.authorUserId, row.accountId));
    reactions.set(reaction.text, who);
  }

  const receipts: Record<string, unknown>[] = [];
  if (row.direction === 'outbound' && row.conversationIdentityId) {
    const recipient = rsmfParticipantId('contact', row.conversationIdentityId);
    if (row.deliveredAt) receipts.push({ participant: recipient, timestamp: row.deliveredAt.toISOString(), action: 'delivered' });
    if (row.readAt) receipts.push({ participant: recipient, timestamp: row.readAt.toISOString(), action: 'read' });
  }

  return {
    id: row.id,
    type: row.kind === 'event' ? 'unknown' : 'message',
    ...(row.text !== null ? { body: row.text } : {}),
    participant: sourceOf(row),
    conversation: row.conversationId,
    timestamp: row.at.toISOString(),
    direction: row.direction === 'inbound' ? 'incoming' : 'outgoing',
    ...(row.deletedBySender || row.deletionRecorded ? { deleted: true } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
    ...(edits.length > 0 ? { edits } : {}),
    ...(reactions.size > 0
      ? { reactions: [...reactions].map(([value, who]) => ({ value, count: who.size, participants: [...who] })) }
      : {}),
    ...(receipts.length > 0 ? { read_receipts: receipts } : {}),
    custom,
  };
}

/** One line of the .rsmf's text part. */
export function rsmfPreviewLine(row: RsmfEventRow): string {
  const who = row.direction === 'inbound' ? 'client' : (row.authorName ?? 'Matterline (automatic)');
  const body = row.text ?? (row.attachments.length > 0 ? `[${row.attachments.map((a) => a.fileName ?? a.mimeType).join(', ')}]` : `[${row.kind}]`);
  return `${row.at.toISOString()} ${who}: ${body.replace(/\s+/g, ' ').slice(0, 300)}`;
}
