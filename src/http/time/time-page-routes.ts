import path from 'node:path';
import express, { Router } from 'express';
import type { RequestHandler } from 'express';
import { contentSecurityPolicy } from '../web-routes.js';

export const timePageRoot = path.resolve(import.meta.dirname, '../../web/time');

// The same page headers as the inbox's pages (http/web-routes.ts): this page runs under the inbox's CSP.
const pageHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('content-security-policy', contentSecurityPolicy);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cache-control', 'no-cache');
  next();
};

/**
 * `GET /time`: the messaging-time page (src/web/time) with its script and styles. The page holds no data; everything
 * it shows comes from the time API with the signed-in person's session.
 */
export function timePageRoutes(): Router {
  const router = Router();
  router.get('/time', pageHeaders, (_req, res) => res.sendFile(path.join(timePageRoot, 'index.html')));
  router.use('/time', pageHeaders, express.static(timePageRoot, { index: false, dotfiles: 'ignore', etag: true }));
  return router;
}
