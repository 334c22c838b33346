import { Router } from 'express';
import type pg from 'pg';
import { timeEntryRoutes } from './time-entry-routes.js';
import { timeExportRoutes } from './time-export-routes.js';

/** Billable time from messaging (issue 6): review of drafted entries, exports, reports, and the page at /time. */
export function timeRoutes(options: { pool: pg.Pool }): Router {
  const router = Router();
  router.use(timeEntryRoutes(options), timeExportRoutes(options));
  return router;
}
