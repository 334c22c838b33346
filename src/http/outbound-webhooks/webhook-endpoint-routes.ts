import { Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import type { Keyring } from '../../core/crypto/secret-box.js';
import { createWebhookEndpoint } from '../../core/outbound-webhooks/create-webhook-endpoint.js';
import { listWebhookDeliveries } from '../../core/outbound-webhooks/list-webhook-deliveries.js';
import { listWebhookEndpoints } from '../../core/outbound-webhooks/list-webhook-endpoints.js';
import { updateWebhookEndpoint } from '../../core/outbound-webhooks/update-webhook-endpoint.js';
import { createWebhookEndpointSchema, updateWebhookEndpointSchema } from '../../core/outbound-webhooks/webhook-endpoint-schemas.js';
import { webhookEvents } from '../../core/outbound-webhooks/webhook-events.js';
import { idParamsSchema } from '../api/api-schemas.js';
import { parseBody, parseParams, parseQuery } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';
import { requireRole } from '../require-role.js';

export const deliveriesQuerySchema = z
  .object({ state: z.enum(['pending', 'delivered', 'failed']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) })
  .strict();

/** The firm's admin connects its case-management system: endpoints, their events, and each delivery's log. */
export function webhookEndpointRoutes(options: { pool: pg.Pool; keyring: Keyring }): Router {
  const { pool } = options;
  const router = Router();

  router.get('/api/admin/webhooks', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    res.json({ events: webhookEvents, items: await listWebhookEndpoints(pool, viewer) });
  });

  router.post('/api/admin/webhooks', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const input = parseBody(req, createWebhookEndpointSchema);
    res.status(201).json(await createWebhookEndpoint({ pool, keyring: options.keyring, viewer, input }));
  });

  router.patch('/api/admin/webhooks/:id', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { id } = parseParams(req, idParamsSchema);
    const input = parseBody(req, updateWebhookEndpointSchema);
    res.json(await updateWebhookEndpoint({ pool, viewer, endpointId: id, input }));
  });

  router.get('/api/admin/webhooks/:id/deliveries', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { id } = parseParams(req, idParamsSchema);
    const { state, limit } = parseQuery(req, deliveriesQuerySchema);
    res.json({ items: await listWebhookDeliveries({ pool, viewer, endpointId: id, state, limit }) });
  });

  return router;
}
