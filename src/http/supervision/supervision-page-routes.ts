import path from 'node:path';
import type { Router } from 'express';
import { pageRoutes } from '../page-routes.js';

export const supervisionPageRoot = path.resolve(import.meta.dirname, '../../web/supervision');

/**
 * `GET /supervision`: the supervisor's page (src/web/supervision): search, the matter file with its export and legal
 * hold, the file review report with a chart.
 */
export const supervisionPageRoutes = (): Router => pageRoutes('/supervision', supervisionPageRoot);
