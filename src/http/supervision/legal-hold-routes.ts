import { Router } from 'express';
import type pg from 'pg';
import { liftLegalHold } from '../../core/retention/lift-legal-hold.js';
import { placeLegalHold } from '../../core/retention/place-legal-hold.js';
import { idParamsSchema } from '../api/api-schemas.js';
import { parseBody, parseParams } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';
import { requireRole } from '../require-role.js';
import { legalHoldSchema } from './supervision-schemas.js';

/** Legal holds: placed and lifted by supervisors only, always with a reason (the rule, not an admin's). */
export function legalHoldRoutes(options: { pool: pg.Pool }): Router {
  const { pool } = options;
  const router = Router();

  router.post('/api/matters/:id/legal-hold', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['supervisor']);
    const { id } = parseParams(req, idParamsSchema);
    const { reason } = parseBody(req, legalHoldSchema);
    res.json(await placeLegalHold({ pool, viewer, matterId: id, reason }));
  });

  router.delete('/api/matters/:id/legal-hold', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['supervisor']);
    const { id } = parseParams(req, idParamsSchema);
    const { reason } = parseBody(req, legalHoldSchema);
    res.json(await liftLegalHold({ pool, viewer, matterId: id, reason }));
  });

  return router;
}
