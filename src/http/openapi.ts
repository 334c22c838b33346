import { Router } from 'express';
import { adminPaths } from './openapi/admin-paths.js';
import { components } from './openapi/components.js';
import { inboxPaths } from './openapi/inbox-paths.js';
import { opsPaths } from './openapi/ops-paths.js';
import { outreachPaths } from './openapi/outreach-paths.js';
import { supervisionPaths } from './openapi/supervision-paths.js';
import { timePaths } from './openapi/time-paths.js';

// The published description of the JSON API (OpenAPI 3.1, whose schemas are JSON Schema 2020-12). Parameters and
// request bodies are generated from the same zod schemas the routes validate with, so the two cannot drift; responses
// are written by hand (src/http/openapi/). test/integration/openapi.test.ts fails when a mounted /api route is missing
// here, or a documented one is not mounted.

const groups = [inboxPaths, adminPaths, supervisionPaths, timePaths, outreachPaths, opsPaths];

function mergePaths(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const group of groups) {
    for (const [path, item] of Object.entries(group)) {
      for (const method of Object.keys(item)) {
        if (paths[path]?.[method]) throw new Error(`openapi: ${method.toUpperCase()} ${path} is described twice`);
      }
      paths[path] = { ...paths[path], ...item };
    }
  }
  return paths;
}

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Matterline API',
    version: '0.1.0',
    description:
      'Firm-owned WhatsApp, Signal and SMS for law firms. Sign in with POST /api/auth/login; the session lives in the ' +
      'httpOnly cookie ml_session. Every POST, PUT, PATCH and DELETE except login, password-reset and the simulator ' +
      'carries the session\'s CSRF token in x-csrf-token. Items you may not see answer 404, never 403. Every error is ' +
      '{error, message, details?}. Request bodies are JSON (application/json, at most 256 kB).',
  },
  // The server that serves this document: paths are relative to it.
  servers: [{ url: '/', description: 'this Matterline server' }],
  tags: [
    { name: 'auth', description: 'Signing in, the session, TOTP and passwords' },
    { name: 'inbox', description: 'Conversations, threads, replies, attachments and live updates' },
    { name: 'consent', description: 'Consent requests and revocations, blocking, held messages' },
    { name: 'clients and matters', description: 'Clients, their numbers and matters' },
    { name: 'admin: users', description: 'Invitations, roles, billing identity, disabling and resets' },
    { name: 'admin: channel accounts', description: 'WhatsApp, Signal, SMS and simulator accounts' },
    { name: 'admin: firm', description: 'Templates, office hours and the firm\'s policies' },
    { name: 'admin: webhooks', description: 'Signed webhooks to the firm\'s case-management system' },
    { name: 'supervision', description: 'Search, matter files and exports, legal holds, file review' },
    { name: 'time', description: 'Billable time from messaging' },
    { name: 'notices', description: 'Bulk notices and surveys' },
    { name: 'reminders', description: 'Matter events and their client reminders' },
    { name: 'simulator', description: 'A simulated client phone, for demos and tests' },
    { name: 'meta', description: 'This document' },
  ],
  components,
  paths: mergePaths(),
};

export function openApiRoutes(): Router {
  const router = Router();
  router.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  return router;
}
