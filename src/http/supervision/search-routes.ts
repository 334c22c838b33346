import { Router } from 'express';
import type pg from 'pg';
import { searchRecord } from '../../core/search/search-record.js';
import { requireViewer } from '../auth/request-session.js';
import { maxCsvRows, searchHits, searchResultsCsv } from './search-csv.js';
import type { MediaSource } from '../../core/export/media-source.js';
import { prepareSearchRsmf } from '../../core/export/export-rsmf.js';
import { startDownload, writeDownload } from './download.js';
import { deleteSavedSearch, listSavedSearches, saveSearch } from '../../core/search/saved-searches.js';
import { idParamsSchema } from '../api/api-schemas.js';
import { parseBody, parseParams, parseQuery } from '../api/parse-input.js';
import { emptyQuerySchema, savedSearchSchema, searchCsvQuerySchema, searchQuerySchema } from './supervision-schemas.js';

/** GET /api/search: everyone searches what they may see (the core filters by access-policy and audits the search). */
export function searchRoutes(options: { pool: pg.Pool; media?: MediaSource }): Router {
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
  // The messages the search found as an RSMF production (up to maxCsvRows; privileged ones withheld unless asked).
  router.get('/api/search.rsmf', async (req, res) => {
    const viewer = requireViewer(req);
    const { q, privileged, ...filters } = parseQuery(req, searchCsvQuerySchema);
    const found = await searchHits({ pool: options.pool, viewer, query: q, filters });
    const prepared = await prepareSearchRsmf({
      pool: options.pool,
      viewer,
      query: q,
      messageIds: found.hits.map((hit) => hit.messageId),
      includePrivileged: privileged === 'include',
      ...(options.media ? { media: options.media } : {}),
    });
    const truncated: Record<string, string> = found.truncated ? { 'x-matterline-truncated': `only the first ${maxCsvRows} results; narrow the search with its filters` } : {};
    startDownload(res, 'application/rsmf', { fileName: prepared.fileName, messageCount: prepared.eventCount }, truncated);
    await writeDownload(req, res, prepared.write, 'RSMF export of a search');
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
