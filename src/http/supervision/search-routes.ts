import { Router } from 'express';
import type pg from 'pg';
import { searchRecord } from '../../core/search/search-record.js';
import { parseQuery } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';
import { searchQuerySchema } from './supervision-schemas.js';

/** GET /api/search: everyone searches what they may see (the core filters by access-policy and audits the search). */
export function searchRoutes(options: { pool: pg.Pool }): Router {
  const router = Router();
  router.get('/api/search', async (req, res) => {
    const viewer = requireViewer(req);
    const { q, limit, cursor, ...filters } = parseQuery(req, searchQuerySchema);
    res.json(await searchRecord({ pool: options.pool, viewer, query: q, filters, limit, ...(cursor ? { cursor } : {}) }));
  });
  return router;
}
