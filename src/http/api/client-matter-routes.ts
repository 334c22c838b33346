import { Router } from 'express';
import type pg from 'pg';
import { createClient, setClientNumber } from '../../core/inbox/create-client.js';
import { createMatter } from '../../core/inbox/create-matter.js';
import { listClients } from '../../core/inbox/list-clients.js';
import { listMatters } from '../../core/inbox/list-matters.js';
import { requireViewer } from '../auth/request-session.js';
import { createClientSchema, createMatterSchema, editClientSchema, idParamsSchema, listMattersQuerySchema } from './api-schemas.js';
import { parseBody, parseParams, parseQuery } from './parse-input.js';

/** Clients and matters: everyone lists what they may see; staff and admins create. */
export function clientMatterRoutes(options: { pool: pg.Pool }): Router {
  const { pool } = options;
  const router = Router();

  router.get('/api/clients', async (req, res) => {
    res.json({ items: await listClients(pool, requireViewer(req)) });
  });

  router.post('/api/clients', async (req, res) => {
    const viewer = requireViewer(req);
    const body = parseBody(req, createClientSchema);
    res.status(201).json(await createClient({ pool, viewer, ...body }));
  });

  router.patch('/api/clients/:id', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const { number } = parseBody(req, editClientSchema);
    res.json(await setClientNumber({ pool, viewer, clientId: id, number }));
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

  return router;
}
