import { Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { recordAudit } from '../../core/audit/record-audit.js';
import { listAuditEvents } from '../../core/audit/list-audit-events.js';
import { verifyAuditChain } from '../../core/audit/verify-audit-chain.js';
import { AppError } from '../../core/errors.js';
import { emptyBodySchema, idSchema, isRecordDate } from '../api/api-schemas.js';
import { parseBody, parseQuery } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';

const day = z.iso.date('a real date as YYYY-MM-DD').refine(isRecordDate, 'a real date between 1900 and 2999');

export const auditQuerySchema = z
  .object({
    user: idSchema.optional(),
    matter: idSchema.optional(),
    action: z.string().trim().regex(/^[a-z_.]{1,80}$/, 'an action or its start, like matter. or conversation.assigned').optional(),
    from: day.optional(),
    to: day.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

/** The audit log for supervisors and admins: read (itself audited) and the hash chain verified on request. */
export function auditLogRoutes(options: { pool: pg.Pool }): Router {
  const { pool } = options;
  const router = Router();
  const supervisorOrAdmin = (role: string) => {
    if (role !== 'admin' && role !== 'supervisor') throw new AppError('forbidden', 'the audit log is for supervisors and admins');
  };

  router.get('/api/audit', async (req, res) => {
    const viewer = requireViewer(req);
    supervisorOrAdmin(viewer.role);
    const query = parseQuery(req, auditQuerySchema);
    const page = await listAuditEvents(pool, viewer, {
      limit: query.limit,
      ...(query.user ? { userId: query.user } : {}),
      ...(query.matter ? { matterId: query.matter } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    await recordAudit(pool, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'audit.log_read',
      subjectType: 'firm',
      subjectId: viewer.firmId,
      details: { filters: { user: query.user ?? null, matter: query.matter ?? null, action: query.action ?? null, from: query.from ?? null, to: query.to ?? null }, items: page.items.length },
    });
    res.setHeader('cache-control', 'no-store');
    res.json(page);
  });

  router.post('/api/audit/verify', async (req, res) => {
    const viewer = requireViewer(req);
    supervisorOrAdmin(viewer.role);
    parseBody(req, emptyBodySchema);
    const verdict = await verifyAuditChain(pool);
    await recordAudit(pool, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'audit.chain_verified',
      subjectType: 'firm',
      subjectId: viewer.firmId,
      details: { ok: verdict.ok, count: verdict.count, ...(verdict.ok ? {} : { brokenAtId: verdict.brokenAtId }) },
    });
    res.json(verdict);
  });

  return router;
}
