import { Router } from 'express';
import type { Request } from 'express';
import type pg from 'pg';
import { editTimeEntry } from '../../core/time/edit-time-entry.js';
import { getTimeEntry } from '../../core/time/get-time-entry.js';
import { listTimeEntries } from '../../core/time/list-time-entries.js';
import { mergeTimeEntries } from '../../core/time/merge-time-entries.js';
import { splitTimeEntry } from '../../core/time/split-time-entry.js';
import type { TimeEntryTransition } from '../../core/time/transition-time-entry.js';
import { transitionTimeEntry } from '../../core/time/transition-time-entry.js';
import { emptyBodySchema, idParamsSchema } from '../api/api-schemas.js';
import { parseBody, parseParams, parseQuery } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';
import { editEntrySchema, listEntriesQuerySchema, mergeEntriesSchema, splitEntrySchema, writeOffSchema } from './time-schemas.js';

/** Review of drafted time: list, read with evidence, edit, split, merge, approve, un-approve, write off, restore. */
export function timeEntryRoutes(options: { pool: pg.Pool }): Router {
  const { pool } = options;
  const router = Router();

  router.get('/api/time/entries', async (req, res) => {
    const viewer = requireViewer(req);
    const query = parseQuery(req, listEntriesQuerySchema);
    res.json(await listTimeEntries({ pool, viewer, ...query }));
  });

  router.post('/api/time/entries/merge', async (req, res) => {
    const viewer = requireViewer(req);
    const body = parseBody(req, mergeEntriesSchema);
    res.json(await mergeTimeEntries({ pool, viewer, entryIds: body.entryIds, tenths: body.hours, narrative: body.narrative }));
  });

  router.get('/api/time/entries/:id', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    res.json(await getTimeEntry(pool, viewer, id));
  });

  router.patch('/api/time/entries/:id', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const body = parseBody(req, editEntrySchema);
    res.json(await editTimeEntry({ pool, viewer, entryId: id, tenths: body.hours, narrative: body.narrative, taskCode: body.taskCode, activityCode: body.activityCode }));
  });

  router.post('/api/time/entries/:id/split', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    const body = parseBody(req, splitEntrySchema);
    res.json(
      await splitTimeEntry({
        pool,
        viewer,
        entryId: id,
        activityIds: body.activityIds,
        tenths: body.hours,
        remainingTenths: body.remainingHours,
        narrative: body.narrative,
        remainingNarrative: body.remainingNarrative,
      }),
    );
  });

  const transition = (path: string, read: (req: Request) => TimeEntryTransition) =>
    router.post(`/api/time/entries/:id/${path}`, async (req, res) => {
      const viewer = requireViewer(req);
      const { id } = parseParams(req, idParamsSchema);
      res.json(await transitionTimeEntry({ pool, viewer, entryId: id, transition: read(req) }));
    });
  const noBody = (action: 'approve' | 'unapprove' | 'restore') => (req: Request): TimeEntryTransition => {
    parseBody(req, emptyBodySchema);
    return { action };
  };
  transition('approve', noBody('approve'));
  transition('unapprove', noBody('unapprove'));
  transition('restore', noBody('restore'));
  transition('write-off', (req) => ({ action: 'write_off', reason: parseBody(req, writeOffSchema).reason }));

  return router;
}
