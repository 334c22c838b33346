import { Router } from 'express';
import { z } from 'zod';
import { canAccessConversation } from '../../core/access/can-access-conversation.js';
import type { Viewer } from '../../core/access/viewer.js';
import { recordAudit } from '../../core/audit/record-audit.js';
import { setContactBlocked } from '../../core/consent/block-contact.js';
import { reviewRevocation } from '../../core/consent/review-revocation.js';
import { sendConsentRequest } from '../../core/consent/send-consent-request.js';
import { AppError } from '../../core/errors.js';
import { cancelHeldMessage, editHeldMessage } from '../../core/held-sends.js';
import type { WorkDispatcher } from '../../core/ports.js';
import type { Database } from '../../db/prisma.js';
import { idParamsSchema } from '../api/api-schemas.js';
import { parseBody, parseParams } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';
import { requireRole } from '../require-role.js';

export const reviewSchema = z.object({ decision: z.enum(['confirm', 'dismiss']), note: z.string().max(1000).optional() }).strict();
export const reasonSchema = z.object({ reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(1000) }).strict();
export const editSchema = z.object({ text: z.string().trim().min(1).max(4096) }).strict();

/** Consent from the inbox: ask for it, review a possible revocation, block a contact, change a held message. */
export function consentRoutes(options: { db: Database; dispatcher: WorkDispatcher }): Router {
  const router = Router();
  const { db } = options;

  // What the viewer may not see does not exist (404), as everywhere in the API.
  const visibleConversation = async (viewer: Viewer, conversationId: string) => {
    if (!(await canAccessConversation(db.pool, viewer, conversationId))) throw new AppError('not_found', 'no such conversation');
    return db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
  };

  router.get('/api/conversations/:id/consent', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const conversation = await visibleConversation(viewer, id);
    if (!conversation.identityId) throw new AppError('conflict', 'this conversation has no single contact');
    const contact = await db.prisma.contactIdentity.findUniqueOrThrow({
      where: { id: conversation.identityId },
      include: { consentEvents: { orderBy: { createdAt: 'asc' } } },
    });
    res.json({
      state: contact.blocked ? 'blocked' : contact.consentState,
      consentState: contact.consentState,
      blocked: contact.blocked,
      revocationPendingMessageId: contact.revocationPendingMessageId,
      events: contact.consentEvents.map((event) => ({
        at: event.createdAt,
        from: event.fromState,
        to: event.toState,
        source: event.source,
        channel: event.channel,
        messageId: event.messageId,
        text: event.text,
        actorUserId: event.actorUserId,
        note: event.note,
      })),
    });
  });

  router.post('/api/conversations/:id/consent-request', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    await visibleConversation(viewer, id);
    const sent = await sendConsentRequest({ db, dispatcher: options.dispatcher, conversationId: id, userId: viewer.userId });
    res.status(202).json(sent);
  });

  router.post('/api/conversations/:id/revocation', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const { decision, note } = parseBody(req, reviewSchema);
    const conversation = await visibleConversation(viewer, id);
    if (!conversation.identityId) throw new AppError('conflict', 'this conversation has no single contact');
    const result = await reviewRevocation({ db, identityId: conversation.identityId, decision, note, userId: viewer.userId });
    res.json(result);
  });

  for (const [path, blocked] of [['block', true], ['unblock', false]] as const) {
    router.post(`/api/conversations/:id/${path}`, async (req, res) => {
      const viewer = requireViewer(req);
      requireRole(viewer, ['admin', 'supervisor']);
      const { id } = parseParams(req, idParamsSchema);
      const { reason } = parseBody(req, reasonSchema);
      const conversation = await visibleConversation(viewer, id);
      if (!conversation.identityId) throw new AppError('conflict', 'this conversation has no single contact');
      await setContactBlocked({ db, identityId: conversation.identityId, blocked, reason, userId: viewer.userId });
      await recordAudit(db.pool, {
        firmId: viewer.firmId,
        actorUserId: viewer.userId,
        actorKind: 'user',
        action: blocked ? 'contact.blocked' : 'contact.unblocked',
        subjectType: 'contact_identity',
        subjectId: conversation.identityId,
        details: { reason },
      });
      res.json({ blocked });
    });
  }

  const heldMessage = async (viewer: Viewer, messageId: string) => {
    const message = await db.prisma.message.findUnique({ where: { id: messageId } });
    if (!message || !(await canAccessConversation(db.pool, viewer, message.conversationId))) {
      throw new AppError('not_found', 'no such message');
    }
    if (message.authorUserId !== viewer.userId && viewer.role !== 'admin') {
      throw new AppError('forbidden', 'only its author or an admin may change a held message');
    }
    return message;
  };

  router.patch('/api/messages/:id', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const { text } = parseBody(req, editSchema);
    await heldMessage(viewer, id);
    await editHeldMessage({ db, messageId: id, text });
    res.json({ id, text, status: 'scheduled' });
  });

  router.post('/api/messages/:id/cancel', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    await heldMessage(viewer, id);
    await cancelHeldMessage({ db, messageId: id, reason: `cancelled by ${viewer.userId}` });
    res.json({ id, status: 'cancelled' });
  });

  return router;
}
