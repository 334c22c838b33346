import { Router } from 'express';
import type pg from 'pg';
import { addEthicalWall, addMatterMember, listMatterTeam, removeEthicalWall, removeMatterMember } from '../../core/access/matter-team.js';
import { AppError } from '../../core/errors.js';
import { createClient, editClient } from '../../core/inbox/create-client.js';
import { editMatter } from '../../core/inbox/edit-matter.js';
import { createMatter } from '../../core/inbox/create-matter.js';
import { listClients } from '../../core/inbox/list-clients.js';
import { listMatters } from '../../core/inbox/list-matters.js';
import { requireViewer } from '../auth/request-session.js';
import {
  createClientSchema,
  createMatterSchema,
  editClientSchema,
  editMatterSchema,
  ethicalWallSchema,
  idParamsSchema,
  listClientsQuerySchema,
  listMattersQuerySchema,
  matterMemberSchema,
  memberParamsSchema,
  wallParamsSchema,
  wallRemovalSchema,
} from './api-schemas.js';
import { parseBody, parseParams, parseQuery } from './parse-input.js';

/** Clients and matters: everyone lists what they may see; staff and admins create. */
export function clientMatterRoutes(options: { pool: pg.Pool }): Router {
  const { pool } = options;
  const router = Router();

  router.get('/api/clients', async (req, res) => {
    const { scope } = parseQuery(req, listClientsQuerySchema);
    res.json({ items: await listClients(pool, requireViewer(req), scope ? { scope } : {}) });
  });

  router.post('/api/clients', async (req, res) => {
    const viewer = requireViewer(req);
    const body = parseBody(req, createClientSchema);
    res.status(201).json(await createClient({ pool, viewer, ...body }));
  });

  router.patch('/api/clients/:id', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const change = parseBody(req, editClientSchema);
    res.json(await editClient({ pool, viewer, clientId: id, change }));
  });

  router.get('/api/matters', async (req, res) => {
    const viewer = requireViewer(req);
    const query = parseQuery(req, listMattersQuerySchema);
    res.json({ items: await listMatters(pool, viewer, query) });
  });

  router.post('/api/matters', async (req, res) => {
    const viewer = requireViewer(req);
    const body = parseBody(req, createMatterSchema);
    res.status(201).json(await createMatter({ pool, viewer, ...body }));
  });

  router.patch('/api/matters/:id', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    res.json(await editMatter(pool, viewer, id, parseBody(req, editMatterSchema)));
  });

  // A matter's team and its ethical walls (src/core/access/matter-team.ts says who may do what).
  router.get('/api/matters/:id/members', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    res.json({ items: (await listMatterTeam(pool, viewer, id)).members });
  });

  router.post('/api/matters/:id/members', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const body = parseBody(req, matterMemberSchema);
    await addMatterMember(pool, viewer, id, body.userId, body.role);
    res.status(201).json({ items: (await listMatterTeam(pool, viewer, id)).members });
  });

  router.delete('/api/matters/:id/members/:userId', async (req, res) => {
    const viewer = requireViewer(req);
    const { id, userId } = parseParams(req, memberParamsSchema);
    await removeMatterMember(pool, viewer, id, userId);
    res.status(204).end();
  });

  router.get('/api/matters/:id/walls', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    if (viewer.role !== 'admin' && viewer.role !== 'supervisor') throw new AppError('forbidden', 'only supervisors and admins see ethical walls');
    res.json({ items: (await listMatterTeam(pool, viewer, id)).walls });
  });

  router.post('/api/matters/:id/walls', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const body = parseBody(req, ethicalWallSchema);
    res.status(201).json(await addEthicalWall(pool, viewer, id, body.userId, body.reason));
  });

  router.delete('/api/matters/:id/walls/:wallId', async (req, res) => {
    const viewer = requireViewer(req);
    const { id, wallId } = parseParams(req, wallParamsSchema);
    const body = parseBody(req, wallRemovalSchema);
    await removeEthicalWall(pool, viewer, id, wallId, body.reason);
    res.status(204).end();
  });

  // The firm's people by name, for choosing a colleague (a matter's team, an assignment): no emails, no states.
  router.get('/api/people', async (req, res) => {
    const viewer = requireViewer(req);
    const rows = await pool.query<{ id: string; name: string; role: string }>(
      `SELECT id, name, role::text AS role FROM "User" WHERE "firmId" = $1 AND "disabledAt" IS NULL ORDER BY name, id`,
      [viewer.firmId],
    );
    res.json({ items: rows.rows });
  });

  return router;
}
