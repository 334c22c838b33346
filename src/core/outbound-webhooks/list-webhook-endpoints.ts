import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';

export interface WebhookEndpointView {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  createdAt: string;
  deliveries: { pending: number; delivered: number; failed: number };
}

export const selectWebhookEndpointViews = async (db: pg.ClientBase | pg.Pool, firmId: string, endpointId?: string): Promise<WebhookEndpointView[]> => {
  const found = await db.query<{ id: string; url: string; events: string[]; description: string | null; active: boolean; createdAt: Date; pending: number; delivered: number; failed: number }>(
    `SELECT e.id, e.url, e.events, e.description, e.active, e."createdAt",
            count(d.id) FILTER (WHERE d.state = 'pending')::int AS pending,
            count(d.id) FILTER (WHERE d.state = 'delivered')::int AS delivered,
            count(d.id) FILTER (WHERE d.state = 'failed')::int AS failed
       FROM "WebhookEndpoint" e LEFT JOIN "WebhookDelivery" d ON d."endpointId" = e.id
      WHERE e."firmId" = $1 AND ($2::text IS NULL OR e.id = $2)
      GROUP BY e.id ORDER BY e."createdAt"`,
    [firmId, endpointId ?? null],
  );
  return found.rows.map((row) => ({
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    active: row.active,
    createdAt: row.createdAt.toISOString(),
    deliveries: { pending: row.pending, delivered: row.delivered, failed: row.failed },
  }));
};

/** The firm's webhook endpoints, without their secrets. */
export const listWebhookEndpoints = (pool: pg.Pool, viewer: Viewer) => selectWebhookEndpointViews(pool, viewer.firmId);

