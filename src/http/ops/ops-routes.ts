import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { Router } from 'express';
import type pg from 'pg';
import { AppError } from '../../core/errors.js';
import type { QueueBackend } from '../../jobs/queue-backend.js';
import { diagnosticsGuard } from './diagnostics-guard.js';
import { createMetrics } from './metrics.js';
import { queueNames } from './queue-names.js';

export const queueBoardPath = '/admin/queues';

export interface OpsRoutesOptions {
  pool: pg.Pool;
  backend: QueueBackend;
  metricsToken: string | undefined;
}

/**
 * Operations: GET /metrics (Prometheus; an admin's session or the metrics bearer token) and the Bull Board queue
 * dashboard at /admin/queues (admins' sessions only, read-only: the outbox, not a person, retries jobs). Mounted
 * first, so it also times every request for the metrics.
 */
export function opsRoutes(options: OpsRoutesOptions): Router {
  const router = Router();
  const metrics = createMetrics({ pool: options.pool, backend: options.backend });
  router.use(metrics.httpMetrics);

  router.get('/metrics', diagnosticsGuard({ pool: options.pool, metricsToken: options.metricsToken, bearer: true }), async (_req, res) => {
    res.setHeader('content-type', metrics.registry.contentType);
    res.setHeader('cache-control', 'no-store');
    res.send(await metrics.registry.metrics());
  });

  const serverAdapter = new ExpressAdapter().setBasePath(queueBoardPath);
  const board = createBullBoard({ queues: [], serverAdapter, options: { uiConfig: { boardTitle: 'Matterline queues' } } });
  let listedAt = 0;
  const listQueues = async () => {
    if (Date.now() - listedAt < 10_000) return;
    listedAt = Date.now();
    const names = await queueNames(options.pool);
    board.replaceQueues(
      names.map(
        (name) =>
          // The handle is BullMQ's own Queue on either backend; the dashboard only reads it.
          new BullMQAdapter(options.backend.queue(name) as unknown as Queue, { readOnlyMode: true, allowRetries: false, displayName: name }),
      ),
    );
  };
  router.use(
    queueBoardPath,
    diagnosticsGuard({ pool: options.pool, metricsToken: undefined, bearer: false }),
    async (req, _res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next(new AppError('forbidden', 'the queue dashboard is read-only'));
      await listQueues();
      next();
    },
    serverAdapter.getRouter() as Router,
  );
  return router;
}
