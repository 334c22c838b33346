import type { Response } from 'express';
import { Router } from 'express';
import { canAccessConversation } from '../../core/access/can-access-conversation.js';
import { recordAudit } from '../../core/audit/record-audit.js';
import { isActiveMimeType, normalizeMimeType, octetStream } from '../../core/blobs/mime-type.js';
import { readBlob } from '../../core/blobs/blob-store.js';
import type { Keyring } from '../../core/crypto/secret-box.js';
import { verifyMediaLink } from '../../core/attachments/signed-media-link.js';
import { AppError } from '../../core/errors.js';
import { recordActivity } from '../../core/time/record-activity.js';
import type { Database } from '../../db/prisma.js';
import { idParamsSchema } from '../api/api-schemas.js';
import { parseParams, parseQuery } from '../api/parse-input.js';
import { z } from 'zod';
import { requireViewer } from '../auth/request-session.js';

/**
 * `GET /api/attachments/:id`: a media file of the record, decrypted for someone who may see its conversation (404
 * otherwise, as for anything they may not know exists). Every opening is audited.
 */
export function attachmentRoutes(options: { db: Database; keyring: Keyring }): Router {
  const router = Router();
  router.get('/api/attachments/:id', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const query = parseQuery(req, attachmentQuerySchema);
    const attachment = await options.db.prisma.attachment.findUnique({ where: { id }, include: { message: true } });
    if (!attachment || !(await canAccessConversation(options.db.pool, viewer, attachment.message.conversationId))) {
      throw new AppError('not_found', 'no such attachment');
    }
    if (attachment.state !== 'stored' || !attachment.blobKey) {
      throw new AppError('conflict', attachment.state === 'pending' ? 'the file is still being fetched' : `the file could not be kept: ${attachment.error ?? 'unknown reason'}`, {
        state: attachment.state,
      });
    }
    const data = await readBlob(options.db.pool, options.keyring, attachment.blobKey);
    await recordAudit(options.db.pool, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'attachment.opened',
      subjectType: 'attachment',
      subjectId: id,
      details: { messageId: attachment.messageId, sha256: attachment.sha256 },
    });
    // Reading a client's document is billable work: a "document opened" activity, once per person and document.
    await recordActivity({
      pool: options.db.pool,
      viewer,
      conversationId: attachment.message.conversationId,
      evidence: { kind: 'opened', messageId: attachment.messageId },
    });
    sendFile(res, attachment, data, query.view === 'inline');
  });
  // A file of an outbound message, for the provider that sends it (Twilio fetches MediaUrl): no session, a signed link
  // that expires (core/attachments/signed-media-link.ts), outbound files only. Every fetch is audited.
  router.get('/media/outbound/:id', async (req, res) => {
    const { id } = parseParams(req, idParamsSchema);
    const check = verifyMediaLink(options.keyring, id, req.query as Record<string, unknown>);
    if (!check.ok) throw new AppError('forbidden', check.problem);
    const attachment = await options.db.prisma.attachment.findUnique({ where: { id }, include: { message: true } });
    // Purged, or not a file the firm sent: nothing to hand out.
    if (!attachment || attachment.message.direction !== 'outbound' || attachment.state !== 'stored' || !attachment.blobKey) {
      throw new AppError('not_found', 'no such file');
    }
    const data = await readBlob(options.db.pool, options.keyring, attachment.blobKey);
    await recordAudit(options.db.pool, {
      firmId: attachment.message.firmId,
      actorUserId: null,
      actorKind: 'bridge',
      action: 'attachment.fetched_by_provider',
      subjectType: 'attachment',
      subjectId: id,
      details: { messageId: attachment.messageId, sha256: attachment.sha256, userAgent: req.get('user-agent')?.slice(0, 200) ?? null },
    });
    sendFile(res, attachment, data);
  });

  return router;
}

/** The files the inbox may show in the page or the browser's own viewer (?view=inline): still images and PDFs. */
const inlineTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']);
const attachmentQuerySchema = z.object({ view: z.enum(['inline', 'download']).optional() }).strict();

/**
 * Never a page of ours: HTML, scripts, SVG and XML go out as plain bytes, and every file as a download, except the
 * still images and PDFs asked for inline (previews), which the browser shows under a CSP that lets them run nothing.
 */
function sendFile(res: Response, attachment: { id: string; fileName: string | null; mimeType: string }, data: Buffer, inline = false): void {
  const fileName = (attachment.fileName ?? `attachment-${attachment.id}`).replace(/[^\w.\- ]+/g, '_').slice(0, 200);
  const type = normalizeMimeType(attachment.mimeType);
  const shown = inline && inlineTypes.has(type);
  res.setHeader('content-type', isActiveMimeType(type) ? octetStream : type);
  res.setHeader('content-disposition', `${shown ? 'inline' : 'attachment'}; filename="${fileName}"`);
  if (shown) res.setHeader('content-security-policy', "default-src 'none'; img-src 'self'; object-src 'self'");
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('cache-control', 'private, no-store');
  res.end(data);
}
