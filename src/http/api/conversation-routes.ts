import { Router } from 'express';
import type { z } from 'zod';
import type { OutboundFile } from '../../core/channel-rules/media-limits.js';
import { maxFilesPerSend } from '../../core/channel-rules/media-limits.js';
import type { Keyring } from '../../core/crypto/secret-box.js';
import { isMultipart, readMultipart } from '../multipart.js';
import { fromZod } from '../errors.js';
import type { Database } from '../../db/prisma.js';
import type { LivePublisher, WorkDispatcher } from '../../core/ports.js';
import { addNote, listAssignees, listNotes, setAssignee, setDone, snooze } from '../../core/inbox/shared-inbox.js';
import { assignConversation } from '../../core/inbox/assign-conversation.js';
import { getConversation } from '../../core/inbox/get-conversation.js';
import { listConversations } from '../../core/inbox/list-conversations.js';
import { listMessages } from '../../core/inbox/list-messages.js';
import { markConversationRead } from '../../core/inbox/mark-conversation-read.js';
import { sendConversationMessage } from '../../core/inbox/send-conversation-message.js';
import { listUnsettledSends, resendMessage } from '../../core/inbox/unsettled-sends.js';
import { acknowledgeNotification, listNotifications } from '../../core/inbox/notifications.js';
import { AppError } from '../../core/errors.js';
import { requireViewer } from '../auth/request-session.js';
import {
  assignConversationSchema,
  assigneeSchema,
  noteSchema,
  snoozeSchema,
  emptyBodySchema,
  idParamsSchema,
  listConversationsQuerySchema,
  listMessagesQuerySchema,
  notificationsQuerySchema,
  sendFilesFormSchema,
  sendMessageSchema,
} from './api-schemas.js';
import { parseBody, parseParams, parseQuery } from './parse-input.js';

/** The routes that take multipart/form-data (files): the app's JSON body parser leaves them alone. */
export const multipartRoutes: readonly RegExp[] = [/^\/api\/conversations\/[^/]+\/messages$/];

/** A send with files: at most 10 files, 100 MB each and all together; the channel's own limits are checked after. */
export const sendFileLimits = {
  fileField: 'files',
  maxFiles: maxFilesPerSend,
  maxFileBytes: 100 * 1024 * 1024,
  maxTotalBytes: 100 * 1024 * 1024,
  fields: ['text', 'idempotencyKey', 'whenClosed', 'compositionMs'],
  maxFieldBytes: 64 * 1024,
} as const;

export interface ConversationRoutesOptions {
  db: Database;
  dispatcher: WorkDispatcher;
  /** Seals the files a lawyer sends, as the record keeps inbound media. */
  keyring: Keyring;
  onDispatchError?: (error: unknown) => void;
  /** Live updates of the conversation's own changes (assignment, done, notes, filing). */
  live?: LivePublisher;
}

/** The inbox: conversations the signed-in user may see, their threads, replies, read marks and triage. */
export function conversationRoutes(options: ConversationRoutesOptions): Router {
  const { db } = options;
  const pool = db.pool;
  const router = Router();
  // Others looking at the inbox see the change at once (their list, their open thread).
  const changed = (firmId: string, conversationId: string, change: string) => {
    void options.live?.publish({ type: 'conversation.updated', firmId, conversationId, change }).catch(() => undefined);
  };

  router.get('/api/conversations', async (req, res) => {
    const viewer = requireViewer(req);
    const query = parseQuery(req, listConversationsQuerySchema);
    res.json(await listConversations({ pool, viewer, ...query }));
  });

  router.get('/api/conversations/:id', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    res.json(await getConversation(pool, viewer, id));
  });

  router.get('/api/conversations/:id/messages', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const query = parseQuery(req, listMessagesQuerySchema);
    res.json(await listMessages({ pool, viewer, conversationId: id, ...query }));
  });

  router.post('/api/conversations/:id/messages', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    let body: z.infer<typeof sendMessageSchema>;
    let files: OutboundFile[] = [];
    if (isMultipart(req)) {
      const form = await readMultipart(req, sendFileLimits);
      const parsed = sendFilesFormSchema.safeParse(form.fields);
      if (!parsed.success) throw fromZod(parsed.error, 'body');
      body = parsed.data;
      files = form.files;
      if (files.length === 0 && body.text === undefined) throw new AppError('bad_request', 'text: give text, files, or both');
    } else {
      body = parseBody(req, sendMessageSchema);
    }
    const sent = await sendConversationMessage({
      keyring: options.keyring,
      ...(files.length > 0 ? { files } : {}),
      db,
      dispatcher: options.dispatcher,
      viewer,
      conversationId: id,
      ...(body.text !== undefined ? { text: body.text } : {}),
      ...(body.template ? { template: body.template } : {}),
      ...(body.idempotencyKey ? { idempotencyKey: body.idempotencyKey } : {}),
      ...(body.whenClosed ? { whenClosed: body.whenClosed } : {}),
      ...(options.onDispatchError ? { onDispatchError: options.onDispatchError } : {}),
      ...(body.compositionMs !== undefined ? { compositionMs: body.compositionMs } : {}),
      ...(body.sensitiveDataConsent ? { sensitiveDataConsent: body.sensitiveDataConsent } : {}),
      onTimeCaptureError: (error) => req.log?.error({ err: error }, 'billable time of a sent message was not recorded'),
    });
    // The stored message as the thread shows it; it is in a conversation the viewer was just allowed into.
    const message = await db.prisma.message.findFirst({
      where: { id: sent.messageId, conversationId: id },
      select: { id: true, conversationId: true, direction: true, text: true, status: true, authorUserId: true, capturedAt: true, scheduledFor: true },
    });
    if (!message) throw new AppError('internal', 'the message was stored but cannot be read back');
    res.status(202).json({ ...message, heldUntil: sent.heldUntil, duplicate: sent.duplicate, moreMessageIds: sent.moreMessageIds });
  });

  // What processing flagged for this person (urgent after-hours messages, revocations to review), until acknowledged.
  router.get('/api/notifications', async (req, res) => {
    const viewer = requireViewer(req);
    const { unread } = parseQuery(req, notificationsQuerySchema);
    res.json(await listNotifications(pool, viewer, { unread: unread ?? false }));
  });

  router.post('/api/notifications/:id/acknowledge', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    parseBody(req, emptyBodySchema);
    res.json(await acknowledgeNotification(pool, viewer, id));
  });

  // Sends whose outcome is unknown (the process stopped while the provider answered), for a person to decide on.
  router.get('/api/sends/unsettled', async (req, res) => {
    const viewer = requireViewer(req);
    res.json(await listUnsettledSends(pool, viewer));
  });

  router.post('/api/messages/:id/resend', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    parseBody(req, emptyBodySchema);
    const sent = await resendMessage({ db, dispatcher: options.dispatcher, keyring: options.keyring, viewer, messageId: id });
    res.status(sent.duplicate ? 200 : 202).json(sent);
  });

  router.post('/api/conversations/:id/read', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    parseBody(req, emptyBodySchema);
    res.json(await markConversationRead(pool, viewer, id));
  });

  router.post('/api/conversations/:id/assign', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const body = parseBody(req, assignConversationSchema);
    const assigned = await assignConversation({ pool, viewer, conversationId: id, ...body });
    changed(viewer.firmId, id, 'filed');
    res.json(assigned);
  });

  // The shared inbox: assign to a colleague, done and reopen, snooze, internal notes.
  router.get('/api/conversations/:id/assignees', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    res.json({ items: await listAssignees(pool, viewer, id) });
  });

  router.put('/api/conversations/:id/assignee', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const body = parseBody(req, assigneeSchema);
    const state = await setAssignee(pool, viewer, id, body.userId);
    changed(viewer.firmId, id, 'assignee');
    res.json(state);
  });

  router.post('/api/conversations/:id/done', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    parseBody(req, emptyBodySchema);
    const state = await setDone(pool, viewer, id, true);
    changed(viewer.firmId, id, 'done');
    res.json(state);
  });

  router.post('/api/conversations/:id/reopen', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    parseBody(req, emptyBodySchema);
    const state = await setDone(pool, viewer, id, false);
    changed(viewer.firmId, id, 'reopened');
    res.json(state);
  });

  router.post('/api/conversations/:id/snooze', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const body = parseBody(req, snoozeSchema);
    const state = await snooze(pool, viewer, id, new Date(body.until));
    changed(viewer.firmId, id, 'snoozed');
    res.json(state);
  });

  router.get('/api/conversations/:id/notes', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    res.json({ items: await listNotes(pool, viewer, id) });
  });

  router.post('/api/conversations/:id/notes', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const body = parseBody(req, noteSchema);
    const note = await addNote(pool, viewer, id, body.text);
    changed(viewer.firmId, id, 'note');
    res.status(201).json(note);
  });

  return router;
}
