import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import type { WebhookEndpointView } from './list-webhook-endpoints.js';
import { selectWebhookEndpointViews } from './list-webhook-endpoints.js';
import type { UpdateWebhookEndpointInput } from './webhook-endpoint-schemas.js';

/** Changes an endpoint's URL, events or description, or turns it off (no new deliveries) and on. Audited. */
export async function updateWebhookEndpoint(options: {
  pool: pg.Pool;
  viewer: Viewer;
  endpointId: string;
  input: UpdateWebhookEndpointInput;
}): Promise<WebhookEndpointView> {
  const { viewer, input } = options;
  return withTransaction(options.pool, async (client) => {
    const updated = await client.query(
      `UPDATE "WebhookEndpoint"
          SET url = COALESCE($3, url), events = COALESCE($4, events), active = COALESCE($5, active),
              description = CASE WHEN $6 THEN $7 ELSE description END
        WHERE id = $1 AND "firmId" = $2`,
      [options.endpointId, viewer.firmId, input.url ?? null, input.events ?? null, input.active ?? null, input.description !== undefined, input.description ?? null],
    );
    if (updated.rowCount === 0) throw new AppError('not_found', 'no such webhook endpoint', { endpointId: options.endpointId });
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'webhook_endpoint.updated',
      subjectType: 'webhook_endpoint',
      subjectId: options.endpointId,
      details: input,
    });
    const [view] = await selectWebhookEndpointViews(client, viewer.firmId, options.endpointId);
    return view!;
  });
}

