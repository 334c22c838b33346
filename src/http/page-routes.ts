import path from 'node:path';
import express, { Router } from 'express';
import type { RequestHandler } from 'express';
import { pageHeaders } from './web-routes.js';

// Revalidated on every load (ETag), so a deployment's new page is never mixed with an old script.
const revalidate: RequestHandler = (_req, res, next) => {
  res.setHeader('cache-control', 'no-cache');
  next();
};

/**
 * A page of the web app served at `mount` from the folder `root` (its index.html, scripts and styles), under the
 * inbox's headers and Content-Security-Policy. Pages hold no data: all of it comes from the API with the session.
 */
export function pageRoutes(mount: string, root: string): Router {
  const router = Router();
  router.get(mount, revalidate, pageHeaders, (_req, res) => res.sendFile(path.join(root, 'index.html')));
  router.use(mount, revalidate, pageHeaders, express.static(root, { index: false, dotfiles: 'ignore', etag: true }));
  return router;
}
