import type { Database } from '../db/prisma.js';
import type { CaptureOutboundResult } from './capture-outbound.js';
import { captureOutbound } from './capture-outbound.js';
import { AppError } from './errors.js';
import { checkSensitiveSend } from './channel-rules/sensitive-send.js';
import { readFirmSettings } from './firm-settings.js';
import { isOpen, nextOpening } from './hours/business-hours.js';
import { loadBusinessHours } from './hours/load-business-hours.js';
import type { WorkDispatcher } from './ports.js';
import type { ChannelKindName } from './bridge-events.js';
import { approvedTemplatesOf } from './channel-rules/approved-templates.js';
import type { OutboundFile } from './channel-rules/media-limits.js';
import { checkFiles, fitsCaption, groupFiles } from './channel-rules/media-limits.js';
import { checkTextLength } from './channel-rules/text-limits.js';
import type { Keyring } from './crypto/secret-box.js';
import { consentGate, sendGate } from './send-gate.js';

export interface RequestSendOptions {
  db: Database;
  dispatcher: WorkDispatcher;
  conversationId: string;
  /** Free text, or (for channels that need one, such as WhatsApp after 24 hours) an approved template. */
  text?: string;
  template?: { name: string; language: string };
  /** Files to send, with the text as their caption; checked against the channel's limits before anything is stored. */
  files?: readonly OutboundFile[];
  /** Seals the files' bytes in the record; required with files. */
  keyring?: Keyring;
  authorUserId: string;
  idempotencyKey?: string;
  /** What to do while the office is closed; absent: the firm's policy. */
  whenClosed?: 'send_now' | 'hold';
  now?: Date;
  onDispatchError?: (error: unknown) => void;
  /**
   * How the client agreed to receive sensitive data over this insecure channel (checkSensitiveSend): without it, such a
   * message is refused with a 409 that names what was found and the secure alternatives.
   */
  sensitiveDataConsent?: string;
}

export interface RequestSendResult extends CaptureOutboundResult {
  /** Set when the message is held until the office opens. */
  heldUntil: Date | null;
}

/**
 * A lawyer's message from the inbox: refused unless the client opted in (409 consent_required with the state), held
 * until the next opening when the office is closed and the lawyer or the firm's policy says so, else queued now.
 */
export async function requestSend(options: RequestSendOptions): Promise<RequestSendResult> {
  const now = options.now ?? new Date();
  const found = await options.db.pool.query<{
    firmId: string;
    accountId: string;
    settings: unknown;
    kind: string;
    config: Record<string, unknown>;
    identityId: string | null;
    clientId: string | null;
  }>(
    `SELECT c."firmId", c."accountId", f.settings, a.kind, a.config, c."identityId", i."clientId"
       FROM "Conversation" c JOIN "Firm" f ON f.id = c."firmId" JOIN "ChannelAccount" a ON a.id = c."accountId"
       LEFT JOIN "ContactIdentity" i ON i.id = c."identityId"
      WHERE c.id = $1`,
    [options.conversationId],
  );
  const conversation = found.rows[0];
  if (!conversation) throw new AppError('not_found', 'no such conversation', { conversationId: options.conversationId });
  let text = options.text;
  if (options.template) {
    const approved = approvedTemplatesOf(conversation.config).find(
      (t) => t.name === options.template?.name && t.language === options.template.language,
    );
    if (!approved) {
      throw new AppError('bad_request', `"${options.template.name}" (${options.template.language}) is not an approved template of this account`, {
        template: options.template,
      });
    }
    text = approved.text;
  }
  const files = options.files ?? [];
  const kind = conversation.kind as ChannelKindName;
  if (files.length > 0 && options.template) throw new AppError('bad_request', 'files go with text, not with a template');
  if (!text && files.length === 0) throw new AppError('bad_request', 'text, files or an approved template is required');
  checkTextLength(kind, text);
  checkFiles(kind, files);
  if (files.length > 0 && kind === 'twilio' && typeof conversation.config.publicUrl !== 'string') {
    throw new AppError('bad_request', 'files: Twilio fetches files from this server, and this account has no publicUrl to give it', { field: 'files' });
  }
  // A channel that carries one file per message gets one message per file; the text is the first file's caption,
  // or a message of its own before them when it is too long to be a caption.
  const groups = groupFiles(kind, files);
  const textAlone = text !== undefined && groups.length > 0 && !fitsCaption(kind, text, groups[0]![0]!.mimeType);
  const parts: { text: string | null; files: readonly OutboundFile[] }[] = textAlone
    ? [{ text: text!, files: [] }, ...groups.map((group) => ({ text: null, files: group }))]
    : groups.length > 0
      ? groups.map((group, index) => ({ text: index === 0 ? (text ?? null) : null, files: group }))
      : [{ text: text!, files: [] }];
  const settings = readFirmSettings(conversation.settings);
  await checkSensitiveSend(options.db.pool, {
    conversation,
    kind,
    settings,
    text,
    fileNames: files.map((file) => file.fileName),
    consentEvidence: options.sensitiveDataConsent,
    actorUserId: options.authorUserId,
  });
  const policy = options.whenClosed ?? settings.outOfHoursSends;
  let heldUntil: Date | null = null;
  if (policy === 'hold') {
    const hours = await loadBusinessHours(options.db.pool, conversation.firmId, conversation.accountId);
    if (hours && !isOpen(hours, now)) heldUntil = nextOpening(hours, now);
  }
  const result = await captureOutbound({
    db: options.db,
    dispatcher: options.dispatcher,
    to: { conversationId: options.conversationId },
    text: parts[0]!.text,
    ...(parts[0]!.files.length > 0 ? { files: parts[0]!.files } : {}),
    ...(parts.length > 1 ? { moreParts: parts.slice(1) } : {}),
    ...(options.keyring ? { keyring: options.keyring } : {}),
    template: options.template,
    authorUserId: options.authorUserId,
    idempotencyKey: options.idempotencyKey,
    scheduledFor: heldUntil ?? undefined,
    // An approved template is exactly what may go outside the WhatsApp window; consent still applies.
    gate: options.template ? consentGate : sendGate,
    onDispatchError: options.onDispatchError,
  });
  return { ...result, heldUntil: result.status === 'scheduled' ? heldUntil : null };
}
