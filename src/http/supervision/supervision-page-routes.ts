import path from 'node:path';
import express, { Router } from 'express';
import type { RequestHandler } from 'express';
import { contentSecurityPolicy } from '../web-routes.js';

export const supervisionPageRoot = path.resolve(import.meta.dirname, '../../web/supervision');

// The inbox's page headers (http/web-routes.ts): this page runs under the same CSP, scripts from this origin only.
const pageHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('content-security-policy', contentSecurityPolicy);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cache-control', 'no-cache');
  next();
};

/**
 * `GET /supervision`: the supervisor's page (src/web/supervision): search, the matter file with its export and legal
 * hold, the file review report with a chart. The page holds no data; all of it comes from the API with the session.
 */
export function supervisionPageRoutes(): Router {
  const router = Router();
  router.get('/supervision', pageHeaders, (_req, res) => res.sendFile(path.join(supervisionPageRoot, 'index.html')));
  router.use('/supervision', pageHeaders, express.static(supervisionPageRoot, { index: false, dotfiles: 'ignore', etag: true }));
  return router;
}
