import { Router } from 'express';
import { z } from 'zod';
import type { WorkDispatcher } from '../../core/ports.js';
import { cancelMatterEvent } from '../../core/reminders/cancel-matter-event.js';
import { createMatterEvent } from '../../core/reminders/create-matter-event.js';
import { getMatterEvent, listMatterEvents } from '../../core/reminders/list-matter-events.js';
import { createMatterEventSchema, moveMatterEventSchema } from '../../core/reminders/matter-event-view.js';
import { moveMatterEvent } from '../../core/reminders/move-matter-event.js';
import type { Database } from '../../db/prisma.js';
import { idParamsSchema } from '../api/api-schemas.js';
import { parseBody, parseParams } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';

export const cancelSchema = z.object({ reason: z.string().trim().max(500).optional() }).strict();

/**
 * A matter's calendar and its client reminders: whoever may see the matter lists, creates, moves and cancels its
 * events. Reminders are given as minutes before the event ([2880, 120]: 48 hours and 2 hours).
 */
export function matterEventRoutes(options: { db: Database; dispatcher: WorkDispatcher; onDispatchError?: (error: unknown) => void }): Router {
  const { db, dispatcher, onDispatchError } = options;
  const router = Router();

  router.get('/api/matters/:id/events', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    res.json({ items: await listMatterEvents({ pool: db.pool, viewer, matterId: id }) });
  });

  router.post('/api/matters/:id/events', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const input = parseBody(req, createMatterEventSchema);
    res.status(201).json(await createMatterEvent({ db, dispatcher, viewer, matterId: id, input, onDispatchError }));
  });

  router.get('/api/matter-events/:id', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    res.json(await getMatterEvent({ pool: db.pool, viewer, eventId: id }));
  });

  router.patch('/api/matter-events/:id', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const input = parseBody(req, moveMatterEventSchema);
    res.json(await moveMatterEvent({ db, dispatcher, viewer, eventId: id, input, onDispatchError }));
  });

  router.post('/api/matter-events/:id/cancel', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const { reason } = parseBody(req, cancelSchema);
    res.json(await cancelMatterEvent({ pool: db.pool, viewer, eventId: id, reason }));
  });

  return router;
}
