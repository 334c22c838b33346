import { Router } from 'express';
import type pg from 'pg';
import { createCannedReply, deleteCannedReply, listCannedReplies, updateCannedReply } from '../../core/inbox/canned-replies.js';
import { requireViewer } from '../auth/request-session.js';
import { requireRole } from '../require-role.js';
import { cannedReplySchema, idParamsSchema } from './api-schemas.js';
import { parseBody, parseParams } from './parse-input.js';

/** Saved replies: everyone in the firm reads them (the composer inserts them); the firm's admin writes them. */
export function cannedReplyRoutes(options: { pool: pg.Pool }): Router {
  const { pool } = options;
  const router = Router();

  router.get('/api/canned-replies', async (req, res) => {
    const viewer = requireViewer(req);
    res.json({ items: await listCannedReplies(pool, viewer.firmId) });
  });

  router.post('/api/admin/canned-replies', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    res.status(201).json(await createCannedReply(pool, viewer, parseBody(req, cannedReplySchema)));
  });

  router.put('/api/admin/canned-replies/:id', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { id } = parseParams(req, idParamsSchema);
    res.json(await updateCannedReply(pool, viewer, id, parseBody(req, cannedReplySchema)));
  });

  router.delete('/api/admin/canned-replies/:id', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { id } = parseParams(req, idParamsSchema);
    await deleteCannedReply(pool, viewer, id);
    res.status(204).end();
  });

  return router;
}
