import { Router } from 'express';
import type pg from 'pg';
import { searchRecord } from '../../core/search/search-record.js';
import { parseQuery } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';
import { maxCsvRows, searchResultsCsv } from './search-csv.js';
import { searchCsvQuerySchema, searchQuerySchema } from './supervision-schemas.js';

/** GET /api/search: everyone searches what they may see (the core filters by access-policy and audits the search). */
export function searchRoutes(options: { pool: pg.Pool }): Router {
  const router = Router();
  router.get('/api/search', async (req, res) => {
    const viewer = requireViewer(req);
    const { q, limit, cursor, ...filters } = parseQuery(req, searchQuerySchema);
    res.json(await searchRecord({ pool: options.pool, viewer, query: q, filters, limit, ...(cursor ? { cursor } : {}) }));
  });
  // The same search as a CSV file for a spreadsheet (every page, up to maxCsvRows; each page read audited).
  router.get('/api/search.csv', async (req, res) => {
    const viewer = requireViewer(req);
    const { q, ...filters } = parseQuery(req, searchCsvQuerySchema);
    const result = await searchResultsCsv({ pool: options.pool, viewer, query: q, filters });
    res.setHeader('cache-control', 'no-store');
    res.setHeader('content-disposition', 'attachment; filename="matterline-search.csv"');
    res.setHeader('x-matterline-rows', String(result.rows));
    if (result.truncated) res.setHeader('x-matterline-truncated', `only the first ${maxCsvRows} results; narrow the search with its filters`);
    res.type('text/csv; charset=utf-8').send(result.csv);
  });
  return router;
}
