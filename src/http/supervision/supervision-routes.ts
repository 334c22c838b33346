import { Router } from 'express';
import type { MediaSource } from '../../core/export/media-source.js';
import type { Database } from '../../db/prisma.js';
import { auditLogRoutes } from './audit-log-routes.js';
import { legalHoldRoutes } from './legal-hold-routes.js';
import { matterFileRoutes } from './matter-file-routes.js';
import { privilegeRoutes } from './privilege-routes.js';
import { reviewRoutes } from './review-routes.js';
import { searchRoutes } from './search-routes.js';

export interface SupervisionRoutesOptions {
  db: Database;
  /** Where exports read media bytes from; without one, media are listed as missing in the manifest. */
  media?: MediaSource;
}

/** The supervisor's view: search, the matter file and its export, the file review report, legal holds. */
export function supervisionRoutes(options: SupervisionRoutesOptions): Router {
  const { db } = options;
  const router = Router();
  router.use(searchRoutes({ pool: db.pool, ...(options.media ? { media: options.media } : {}) }));
  router.use(matterFileRoutes({ pool: db.pool, ...(options.media ? { media: options.media } : {}) }));
  router.use(legalHoldRoutes({ pool: db.pool }));
  router.use(privilegeRoutes({ pool: db.pool }));
  router.use(reviewRoutes({ pool: db.pool }));
  router.use(auditLogRoutes({ pool: db.pool }));
  return router;
}
