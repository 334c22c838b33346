import { Router } from 'express';
import type pg from 'pg';
import { loadMatterSummary } from '../../core/matter-file/matter-summary.js';
import { listPrivilegeMarks, markPrivileged, privilegeLog, privilegeLogCsv, withdrawPrivilegeMark } from '../../core/privilege/privilege-marks.js';
import { idParamsSchema } from '../api/api-schemas.js';
import { parseBody, parseParams, parseQuery } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';
import { emptyQuerySchema, markPrivilegeSchema, privilegeLogQuerySchema, withdrawPrivilegeSchema } from './supervision-schemas.js';

/** Privilege marks of a matter's messages and the privilege log they make (core/privilege). */
export function privilegeRoutes(options: { pool: pg.Pool }): Router {
  const { pool } = options;
  const router = Router();

  router.get('/api/matters/:id/privilege', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    parseQuery(req, emptyQuerySchema);
    res.json({ marks: await listPrivilegeMarks(pool, viewer, id) });
  });

  router.post('/api/matters/:id/privilege', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const body = parseBody(req, markPrivilegeSchema);
    const target = body.conversationId ? { conversationId: body.conversationId } : { messageIds: body.messageIds ?? [] };
    const marks = await markPrivileged({ pool, viewer, matterId: id, target, privilege: body.privilege, basis: body.basis, description: body.description });
    res.status(201).json({ marks });
  });

  router.delete('/api/privilege/:id', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const { reason } = parseBody(req, withdrawPrivilegeSchema);
    await withdrawPrivilegeMark({ pool, viewer, markId: id, reason });
    res.json({ withdrawn: true });
  });

  router.get('/api/matters/:id/privilege-log', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const { format } = parseQuery(req, privilegeLogQuerySchema);
    const entries = await privilegeLog(pool, viewer, id);
    const matter = await loadMatterSummary(pool, id);
    if (format === 'csv') {
      const name = `privilege-log-${(matter?.number ?? 'matter').replace(/[^\w.-]+/g, '_')}.csv`;
      res.setHeader('content-disposition', `attachment; filename="${name}"`);
      res.setHeader('cache-control', 'no-store');
      res.type('text/csv; charset=utf-8').send(privilegeLogCsv(entries));
      return;
    }
    res.setHeader('cache-control', 'no-store');
    res.json({ matter: matter ? { id: matter.id, number: matter.number, title: matter.title, client: matter.client.name } : null, entries });
  });

  return router;
}
