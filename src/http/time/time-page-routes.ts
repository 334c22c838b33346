import path from 'node:path';
import type { Router } from 'express';
import { pageRoutes } from '../page-routes.js';

export const timePageRoot = path.resolve(import.meta.dirname, '../../web/time');

/** `GET /time`: the messaging-time page (src/web/time): drafts to review and the unbilled-time report. */
export const timePageRoutes = (): Router => pageRoutes('/time', timePageRoot);
