import { canAccessConversation } from '../access/can-access-conversation.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import type { OutboundFile } from '../channel-rules/media-limits.js';
import type { Keyring } from '../crypto/secret-box.js';
import type { WorkDispatcher } from '../ports.js';
import { requestSend } from '../request-send.js';
import { recordActivity } from '../time/record-activity.js';
import type { Database } from '../../db/prisma.js';

export interface SendConversationMessageOptions {
  db: Database;
  dispatcher: WorkDispatcher;
  viewer: Viewer;
  conversationId: string;
  text?: string;
  /** An approved provider template instead of text (WhatsApp once its 24-hour window closed). */
  template?: { name: string; language: string };
  /** Files sent with the text (its caption); the channel's limits apply. */
  files?: readonly OutboundFile[];
  keyring?: Keyring;
  /** The inbox's retry key: the same key from the same user on the same conversation stores one message. */
  idempotencyKey?: string;
  /** While the office is closed: send now or hold until it opens; absent, the firm's policy decides. */
  whenClosed?: 'send_now' | 'hold';
  onDispatchError?: (error: unknown) => void;
  /** Milliseconds from the first keystroke to send, as the inbox measured them: the evidence for billable time. */
  compositionMs?: number;
  /** How the client agreed to receive sensitive data over an insecure channel (see requestSend). */
  sensitiveDataConsent?: string;
  /** Billable time could not be recorded; the message is stored and queued all the same. */
  onTimeCaptureError?: (error: unknown) => void;
}

export interface SentMessage {
  messageId: string;
  /** Further messages the send became (a file each, on channels that carry one file per message). */
  moreMessageIds: string[];
  conversationId: string;
  status: 'queued' | 'scheduled';
  heldUntil: Date | null;
  duplicate: boolean;
}

/**
 * A lawyer's reply from the inbox: only into a conversation they may see (404 otherwise), then core's request-send
 * (consent gate, office hours, stored before it is sent). The client's key is namespaced by user and conversation:
 * keys are unique per channel account, and a key chosen by one user must never return another conversation's message.
 */
export async function sendConversationMessage(options: SendConversationMessageOptions): Promise<SentMessage> {
  const { db, viewer, conversationId } = options;
  if (!(await canAccessConversation(db.pool, viewer, conversationId))) {
    throw new AppError('not_found', 'no such conversation', { conversationId });
  }
  const sent = await requestSend({
    db,
    dispatcher: options.dispatcher,
    conversationId,
    ...(options.text !== undefined ? { text: options.text } : {}),
    ...(options.template ? { template: options.template } : {}),
    ...(options.files && options.files.length > 0 ? { files: options.files } : {}),
    ...(options.keyring ? { keyring: options.keyring } : {}),
    authorUserId: viewer.userId,
    ...(options.idempotencyKey ? { idempotencyKey: `inbox:${viewer.userId}:${conversationId}:${options.idempotencyKey}` } : {}),
    ...(options.whenClosed ? { whenClosed: options.whenClosed } : {}),
    ...(options.sensitiveDataConsent ? { sensitiveDataConsent: options.sensitiveDataConsent } : {}),
    ...(options.onDispatchError ? { onDispatchError: options.onDispatchError } : {}),
  });
  if (!sent.duplicate) {
    await recordAudit(db.pool, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'message.send_requested',
      subjectType: 'message',
      subjectId: sent.messageId,
      details: {
        conversationId,
        status: sent.status,
        heldUntil: sent.heldUntil?.toISOString() ?? null,
        ...(options.files && options.files.length > 0
          ? { files: options.files.map((file) => ({ fileName: file.fileName, mimeType: file.mimeType, size: file.data.length })), moreMessageIds: sent.moreMessageIds }
          : {}),
      },
    });
  }
  // Also on a duplicate (idempotent): a retry then records time a failed first attempt missed. A failure is only
  // reported: the message is stored and queued, and an error now would make the inbox send it again.
  await recordActivity({
    pool: db.pool,
    viewer,
    conversationId,
    evidence: { kind: 'sent', messageId: sent.messageId, compositionMs: options.compositionMs ?? null },
  }).catch((error: unknown) => options.onTimeCaptureError?.(error));
  return {
    messageId: sent.messageId,
    moreMessageIds: sent.moreMessageIds,
    conversationId: sent.conversationId,
    status: sent.status,
    heldUntil: sent.heldUntil,
    duplicate: sent.duplicate,
  };
}
