import { Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { cancelNotice } from '../../core/notices/cancel-notice.js';
import { createNotice } from '../../core/notices/create-notice.js';
import { createNoticeSchema } from '../../core/notices/notice-schemas.js';
import { listNoticeRecipients, listNotices, selectNoticeView } from '../../core/notices/notice-view.js';
import { sendNotice } from '../../core/notices/send-notice.js';
import { surveyReport } from '../../core/notices/survey-report.js';
import type { WorkDispatcher } from '../../core/ports.js';
import { idParamsSchema } from '../api/api-schemas.js';
import { parseBody, parseParams, parseQuery } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';
import { requireRole } from '../require-role.js';

export const recipientsQuerySchema = z.object({ state: z.enum(['pending', 'sent', 'skipped', 'failed', 'cancelled']).optional() }).strict();
export const emptySchema = z.object({}).strict();

/**
 * Bulk notices and surveys. The firm's admin drafts one (and sees who it would reach and who would be skipped, and
 * why), sends it, and may stop it; admins and supervisors follow its progress and a survey's tally, as JSON for the
 * web UI.
 */
export function noticeRoutes(options: { pool: pg.Pool; dispatcher: WorkDispatcher; onDispatchError?: (error: unknown) => void }): Router {
  const { pool } = options;
  const router = Router();

  router.get('/api/notices', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin', 'supervisor']);
    res.json({ items: await listNotices(pool, viewer) });
  });

  router.post('/api/notices', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const input = parseBody(req, createNoticeSchema);
    res.status(201).json(await createNotice({ pool, viewer, input }));
  });

  router.get('/api/notices/:id', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin', 'supervisor']);
    const { id } = parseParams(req, idParamsSchema);
    res.json(await selectNoticeView(pool, viewer, id));
  });

  router.get('/api/notices/:id/recipients', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin', 'supervisor']);
    const { id } = parseParams(req, idParamsSchema);
    const { state } = parseQuery(req, recipientsQuerySchema);
    res.json({ items: await listNoticeRecipients(pool, viewer, id, state) });
  });

  router.post('/api/notices/:id/send', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { id } = parseParams(req, idParamsSchema);
    parseBody(req, emptySchema);
    res.status(202).json(await sendNotice({ pool, dispatcher: options.dispatcher, viewer, noticeId: id, onDispatchError: options.onDispatchError }));
  });

  router.post('/api/notices/:id/cancel', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { id } = parseParams(req, idParamsSchema);
    parseBody(req, emptySchema);
    res.json(await cancelNotice({ pool, viewer, noticeId: id }));
  });

  router.get('/api/notices/:id/survey', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin', 'supervisor']);
    const { id } = parseParams(req, idParamsSchema);
    res.json(await surveyReport({ pool, viewer, noticeId: id }));
  });

  return router;
}
