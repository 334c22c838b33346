import type pg from 'pg';
import { visibleConversationFilter } from '../access/access-policy.js';
import { canAccessConversation } from '../access/can-access-conversation.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { readBlob } from '../blobs/blob-store.js';
import { unknownOutcomePrefix } from '../capture-receipt.js';
import type { OutboundFile } from '../channel-rules/media-limits.js';
import type { Keyring } from '../crypto/secret-box.js';
import { AppError } from '../errors.js';
import type { WorkDispatcher } from '../ports.js';
import { requestSend } from '../request-send.js';
import type { Database } from '../../db/prisma.js';

// A send whose outcome is unknown (the process stopped while the provider was answering) waits for the provider to
// say what happened: a later status or receipt that carries Matterline's id settles it (capture-receipt.ts). When
// nothing has come after a while, a person decides: the sends are listed for their authors and the firm's admins,
// who may send one again. Never automatically: most such sends did reach the client.

/** How long an unknown outcome waits for the provider before a person is asked. */
export const unsettledReviewAfterMs = 10 * 60_000;

export interface UnsettledSend {
  id: string;
  conversationId: string;
  text: string | null;
  purpose: string;
  authorUserId: string | null;
  failedAt: Date;
  files: number;
  /** When it may be sent again (the provider had its time to report it). */
  resendableAt: Date;
}

/** The unknown-outcome sends the viewer may act on: their own, or (an admin) any the firm's automation sent. */
export async function listUnsettledSends(pool: pg.Pool, viewer: Viewer): Promise<UnsettledSend[]> {
  const filter = visibleConversationFilter(viewer, 'c', 5);
  const found = await pool.query<Omit<UnsettledSend, 'resendableAt'>>(
    `SELECT m.id, m."conversationId", m.text, m.purpose, m."authorUserId", m."failedAt",
            (SELECT count(*)::int FROM "Attachment" a WHERE a."messageId" = m.id) AS files
       FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
      WHERE m."firmId" = $1 AND m.direction = 'outbound' AND m.status = 'failed' AND starts_with(m.error, $2)
        AND position('(sent again as ' in m.error) = 0
        AND (m."authorUserId" = $3 OR ($4::boolean AND m."authorUserId" IS NULL))
        AND ${filter.sql}
      ORDER BY m."failedAt" DESC, m.id LIMIT 200`,
    [viewer.firmId, unknownOutcomePrefix, viewer.userId, viewer.role === 'admin', ...filter.params],
  );
  return found.rows.map((row) => ({ ...row, resendableAt: new Date(row.failedAt.getTime() + unsettledReviewAfterMs) }));
}

export interface ResendOptions {
  db: Database;
  dispatcher: WorkDispatcher;
  keyring: Keyring;
  viewer: Viewer;
  messageId: string;
  now?: Date;
}

/**
 * Sends a failed or unknown-outcome message again (Retry, Send again), as a new message with the same text and files, through every gate a new
 * send passes (consent may have changed since). Once: a second resend of the same message returns the first.
 */
export async function resendMessage(options: ResendOptions): Promise<{ messageId: string; duplicate: boolean }> {
  const { db, viewer } = options;
  const now = options.now ?? new Date();
  const found = await db.pool.query<{ id: string; conversationId: string; text: string | null; status: string; error: string | null; failedAt: Date | null; authorUserId: string | null; templateName: string | null; language: string | null }>(
    `SELECT id, "conversationId", text, status, error, "failedAt", "authorUserId", "templateName", language FROM "Message"
      WHERE id = $1 AND "firmId" = $2 AND direction = 'outbound'`,
    [options.messageId, viewer.firmId],
  );
  const message = found.rows[0];
  const mayAct = message && (message.authorUserId === viewer.userId || (viewer.role === 'admin' && message.authorUserId === null));
  if (!message || !mayAct || !(await canAccessConversation(db.pool, viewer, message.conversationId))) {
    throw new AppError('not_found', 'no such message of yours', { messageId: options.messageId });
  }
  if (message.status !== 'failed') {
    throw new AppError('conflict', `only a failed send, or one whose outcome is unknown, is sent again; this one is ${message.status}`, { status: message.status });
  }
  // A send the provider refused is retried at once; one whose outcome is unknown only once the provider had its time.
  const unknown = (message.error ?? '').startsWith(unknownOutcomePrefix);
  const resendableAt = new Date((message.failedAt ?? now).getTime() + unsettledReviewAfterMs);
  if (unknown && resendableAt > now) {
    throw new AppError('conflict', `the provider may still report this send; it can be sent again from ${resendableAt.toISOString()}`, { resendableAt: resendableAt.toISOString() });
  }
  const attachments = await db.pool.query<{ fileName: string | null; mimeType: string; sha256: string }>(
    `SELECT "fileName", "mimeType", sha256 FROM "Attachment" WHERE "messageId" = $1 AND state = 'stored' AND sha256 IS NOT NULL ORDER BY "createdAt", id`,
    [message.id],
  );
  const files: OutboundFile[] = await Promise.all(
    attachments.rows.map(async (file, index) => ({
      fileName: file.fileName ?? `file-${index + 1}`,
      mimeType: file.mimeType,
      data: await readBlob(db.pool, options.keyring, file.sha256),
    })),
  );
  const sent = await requestSend({
    db,
    dispatcher: options.dispatcher,
    conversationId: message.conversationId,
    ...(message.templateName ? { template: { name: message.templateName, language: message.language ?? 'en' } } : message.text ? { text: message.text } : {}),
    ...(files.length > 0 ? { files, keyring: options.keyring } : {}),
    authorUserId: viewer.userId,
    idempotencyKey: `resend:${message.id}`,
    whenClosed: 'send_now',
  });
  if (!sent.duplicate) {
    await db.pool.query(`UPDATE "Message" SET error = left(error || ' (sent again as ' || $2 || ')', 2000) WHERE id = $1`, [message.id, sent.messageId]);
    await recordAudit(db.pool, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'message.resent',
      subjectType: 'message',
      subjectId: message.id,
      details: { conversationId: message.conversationId, newMessageId: sent.messageId },
    });
  }
  return { messageId: sent.messageId, duplicate: sent.duplicate };
}
