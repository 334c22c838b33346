import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Keyring } from '../crypto/secret-box.js';
import { sealSecret } from '../crypto/secret-box.js';
import { newId } from '../new-id.js';
import { withTransaction } from '../transaction.js';
import type { WebhookEndpointView } from './list-webhook-endpoints.js';
import { selectWebhookEndpointViews } from './list-webhook-endpoints.js';
import type { CreateWebhookEndpointInput } from './webhook-endpoint-schemas.js';

/** The sealing context of an endpoint's secret: a sealed secret copied to another endpoint does not open. */
export const endpointSecretContext = (endpointId: string) => `webhook-endpoint:${endpointId}`;

/**
 * Registers the firm's system to be told of events. The signing secret is made here, sealed at rest, and returned
 * this once: the firm stores it in its receiver. Audited (without the secret).
 */
export async function createWebhookEndpoint(options: {
  pool: pg.Pool;
  keyring: Keyring;
  viewer: Viewer;
  input: CreateWebhookEndpointInput;
}): Promise<WebhookEndpointView & { secret: string }> {
  const { viewer, input } = options;
  const id = newId();
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  return withTransaction(options.pool, async (client) => {
    await client.query(
      `INSERT INTO "WebhookEndpoint" (id, "firmId", url, secret, events, description, "createdById") VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, viewer.firmId, input.url, sealSecret(secret, options.keyring, { context: endpointSecretContext(id) }), input.events, input.description ?? null, viewer.userId],
    );
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'webhook_endpoint.created',
      subjectType: 'webhook_endpoint',
      subjectId: id,
      details: { url: input.url, events: input.events },
    });
    const [view] = await selectWebhookEndpointViews(client, viewer.firmId, id);
    return { ...view!, secret };
  });
}

