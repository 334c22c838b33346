import { Router } from 'express';
import type pg from 'pg';
import { searchRecord } from '../../core/search/search-record.js';
import { requireViewer } from '../auth/request-session.js';
import { maxCsvRows, searchResultsCsv } from './search-csv.js';
import { deleteSavedSearch, listSavedSearches, saveSearch } from '../../core/search/saved-searches.js';
import { idParamsSchema } from '../api/api-schemas.js';
import { parseBody, parseParams, parseQuery } from '../api/parse-input.js';
import { emptyQuerySchema, savedSearchSchema, searchCsvQuerySchema, searchQuerySchema } from './supervision-schemas.js';

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
  // Saved searches: each person's own (a name and the filters above); running one is an ordinary search.
  router.get('/api/searches', async (req, res) => {
    const viewer = requireViewer(req);
    parseQuery(req, emptyQuerySchema);
    res.json({ items: await listSavedSearches(options.pool, viewer) });
  });
  router.post('/api/searches', async (req, res) => {
    const viewer = requireViewer(req);
    const input = parseBody(req, savedSearchSchema);
    res.status(201).json(await saveSearch(options.pool, viewer, { name: input.name, query: dropEmpty(input.query) }));
  });
  router.delete('/api/searches/:id', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    await deleteSavedSearch(options.pool, viewer, id);
    res.status(204).end();
  });
  return router;
}

const dropEmpty = (query: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
