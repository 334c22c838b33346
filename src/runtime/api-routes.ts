import type { RequestHandler } from 'express';
import { accountRoutes } from '../http/admin/account-routes.js';
import { attachmentRoutes } from '../http/attachments/attachment-routes.js';
import { firmAdminRoutes } from '../http/admin/firm-admin-routes.js';
import { adminUserRoutes } from '../http/api/admin-user-routes.js';
import { clientMatterRoutes } from '../http/api/client-matter-routes.js';
import { conversationRoutes } from '../http/api/conversation-routes.js';
import { authRoutes } from '../http/auth/auth-routes.js';
import { sessionMiddleware } from '../http/auth/session-middleware.js';
import { totpRoutes } from '../http/auth/totp-routes.js';
import { consentRoutes } from '../http/consent/consent-routes.js';
import { liveRoutes } from '../http/live/live-routes.js';
import { noticeRoutes } from '../http/notices/notice-routes.js';
import { opsRoutes } from '../http/ops/ops-routes.js';
import { webhookEndpointRoutes } from '../http/outbound-webhooks/webhook-endpoint-routes.js';
import { matterEventRoutes } from '../http/reminders/matter-event-routes.js';
import { openApiRoutes } from '../http/openapi.js';
import { webRoutes } from '../http/web-routes.js';
import { blobMediaSource } from '../core/export/blob-media-source.js';
import { cannedReplyRoutes } from '../http/api/canned-reply-routes.js';
import { supervisionRoutes } from '../http/supervision/supervision-routes.js';
import { timeRoutes } from '../http/time/time-routes.js';
import type { RouteDependencies } from './route-dependencies.js';

/**
 * The JSON API, mounted after the strict JSON body parser. The session middleware comes first:
 * it finds the signed-in user and enforces CSRF for every state-changing /api request (the simulator, mounted before it, is not an /api user's route).
 */
export function apiRoutes(dependencies: RouteDependencies): RequestHandler[] {
  const { db, logger } = dependencies;
  return [
    // First: times every request for the metrics; /metrics and /admin/queues guard themselves.
    opsRoutes({ pool: db.pool, backend: dependencies.backend, metricsToken: dependencies.config.metricsToken }),
    sessionMiddleware(db.pool),
    openApiRoutes(),
    authRoutes({ pool: db.pool }),
    totpRoutes({ pool: db.pool, keyring: dependencies.keyring }),
    conversationRoutes({
      db,
      dispatcher: dependencies.dispatcher,
      keyring: dependencies.keyring,
      onDispatchError: (error) => logger.warn({ err: error }, 'queueing failed; the outbox sweeper will retry'),
      live: dependencies.live,
    }),
    clientMatterRoutes({ pool: db.pool }),
    cannedReplyRoutes({ pool: db.pool }),
    adminUserRoutes({ pool: db.pool }),
    firmAdminRoutes({ db }),
    accountRoutes({ db, registry: dependencies.registry, keyring: dependencies.keyring, simulatorEnabled: dependencies.config.simulator }),
    attachmentRoutes({ db, keyring: dependencies.keyring }),
    consentRoutes({ db, dispatcher: dependencies.dispatcher }),
    supervisionRoutes({ db, media: blobMediaSource(db.pool, dependencies.keyring) }),
    timeRoutes({ pool: db.pool }),
    matterEventRoutes({
      db,
      dispatcher: dependencies.dispatcher,
      onDispatchError: (error) => logger.warn({ err: error }, 'queueing failed; the outbox sweeper will retry'),
    }),
    noticeRoutes({
      pool: db.pool,
      dispatcher: dependencies.dispatcher,
      onDispatchError: (error) => logger.warn({ err: error }, 'queueing failed; the outbox sweeper will retry'),
    }),
    webhookEndpointRoutes({ pool: db.pool, keyring: dependencies.keyring }),
    liveRoutes({ pool: db.pool, source: dependencies.live }),
    // Last: the inbox's pages and files (src/web), and its composer and QR reads.
    webRoutes({ db }),
  ];
}
