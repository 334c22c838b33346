import { Router } from 'express';
import type { Database } from '../../db/prisma.js';
import { searchRoutes } from './search-routes.js';

export interface SupervisionRoutesOptions {
  db: Database;
}

/** The supervisor's view: search, the matter file and its export, the file review report, legal holds. */
export function supervisionRoutes(options: SupervisionRoutesOptions): Router {
  const { db } = options;
  const router = Router();
  router.use(searchRoutes({ pool: db.pool }));
  return router;
}
