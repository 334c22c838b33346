import { Router } from 'express';
import { enableUser } from '../../core/auth/enable-user.js';
import type pg from 'pg';
import { disableUser } from '../../core/auth/disable-user.js';
import { inviteUser } from '../../core/auth/invite-user.js';
import { listUsers, setUserBilling } from '../../core/auth/list-users.js';
import { resetUserPassword } from '../../core/auth/reset-user-password.js';
import { requireViewer } from '../auth/request-session.js';
import { editUserBillingSchema, emptyBodySchema, idParamsSchema, inviteUserSchema } from './api-schemas.js';
import { parseBody, parseParams } from './parse-input.js';

/** User administration (admins only; the core refuses everyone else with 403). */
export function adminUserRoutes(options: { pool: pg.Pool }): Router {
  const { pool } = options;
  const router = Router();

  router.get('/api/admin/users', async (req, res) => {
    res.json({ items: await listUsers(pool, requireViewer(req)) });
  });

  router.post('/api/admin/users', async (req, res) => {
    const admin = requireViewer(req);
    const body = parseBody(req, inviteUserSchema);
    res.status(201).json(await inviteUser({ pool, admin, ...body }));
  });

  router.patch('/api/admin/users/:id', async (req, res) => {
    const admin = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const body = parseBody(req, editUserBillingSchema);
    res.json(await setUserBilling(pool, admin, id, body));
  });

  router.post('/api/admin/users/:id/disable', async (req, res) => {
    const admin = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    parseBody(req, emptyBodySchema);
    res.json(await disableUser(pool, admin, id));
  });

  router.post('/api/admin/users/:id/enable', async (req, res) => {
    const admin = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    parseBody(req, emptyBodySchema);
    res.json(await enableUser(pool, admin, id));
  });

  router.post('/api/admin/users/:id/reset-password', async (req, res) => {
    const admin = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    parseBody(req, emptyBodySchema);
    res.json(await resetUserPassword(pool, admin, id));
  });

  return router;
}
