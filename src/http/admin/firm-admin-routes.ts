import { Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { recordAudit } from '../../core/audit/record-audit.js';
import { AppError } from '../../core/errors.js';
import { firmSettingsSchema, readFirmSettings } from '../../core/firm-settings.js';
import { saveBusinessHours } from '../../core/hours/save-business-hours.js';
import { defaultTemplate } from '../../core/templates/default-templates.js';
import { saveTemplate } from '../../core/templates/save-template.js';
import { templateKinds, templateLanguages, templateVariablesByKind } from '../../core/templates/template-kinds.js';
import type { Database } from '../../db/prisma.js';
import { parseBody, parseParams, parseQuery } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';
import { requireRole } from '../require-role.js';

export const templateParamsSchema = z.object({ kind: z.enum(templateKinds), language: z.enum(templateLanguages) }).strict();
export const templateBodySchema = z.object({ body: z.string() }).strict();
export const hoursQuerySchema = z.object({ accountId: z.string().min(1).max(100).optional() }).strict();
/** DELETE /api/admin/business-hours?accountId=: an account's own hours removed (it answers by the firm's again). */
export const accountHoursQuerySchema = z.object({ accountId: z.string().min(1, 'name the account whose own hours are removed').max(100) }).strict();
/** An IANA time zone the server knows (Intl's list, plus UTC). */
const ianaZones = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
/**
 * Each field of a schema optional and without its default. zod 4 fills defaults in even inside `.partial()`: a PATCH
 * parsed that way would reset every setting it left out (one of the HELP contact put retention back to seven years).
 */
function withoutDefaults<T extends z.ZodRawShape>(shape: T): { [K in keyof T]: z.ZodOptional<T[K] extends z.ZodDefault<infer Inner> ? Inner : T[K]> } {
  return Object.fromEntries(
    Object.entries(shape).map(([key, field]) => [key, z.optional(field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field)]),
  ) as never;
}

/** PATCH /api/admin/settings: only what it names changes. */
export const settingsPatchSchema = z
  .object(withoutDefaults(firmSettingsSchema.shape))
  .extend({
    /** The firm's own time zone: working days of time entries, the matter file and its transcript. */
    timeZone: z.string().refine((zone) => ianaZones.has(zone), 'an IANA time zone such as America/New_York or Europe/Madrid').optional(),
    /** The language of client-facing texts for clients whose language is not known. */
    defaultLanguage: z.enum(templateLanguages).optional(),
  })
  .strict();

const audit = (pool: pg.Pool, firmId: string, userId: string, action: string, details: Record<string, unknown>) =>
  recordAudit(pool, { firmId, actorUserId: userId, actorKind: 'user', action, subjectType: 'firm', subjectId: firmId, details });

/** The firm's admin: client-facing templates, office hours, and the firm's policies. */
export function firmAdminRoutes(options: { db: Database }): Router {
  const router = Router();
  const { db } = options;

  router.get('/api/admin/templates', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const custom = await db.prisma.template.findMany({ where: { firmId: viewer.firmId } });
    res.json(
      templateKinds.flatMap((kind) =>
        templateLanguages.map((language) => {
          const own = custom.find((t) => t.kind === kind && t.language === language);
          return { kind, language, body: own?.body ?? defaultTemplate(kind, language), custom: Boolean(own), variables: templateVariablesByKind[kind] };
        }),
      ),
    );
  });

  router.put('/api/admin/templates/:kind/:language', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { kind, language } = parseParams(req, templateParamsSchema);
    const { body } = parseBody(req, templateBodySchema);
    const saved = await saveTemplate({ db, firmId: viewer.firmId, userId: viewer.userId, input: { kind, language, body } });
    await audit(db.pool, viewer.firmId, viewer.userId, 'template.saved', { kind, language });
    res.json(saved);
  });

  router.get('/api/admin/business-hours', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin', 'supervisor']);
    const { accountId } = parseQuery(req, hoursQuerySchema);
    const hours = await db.prisma.businessHours.findFirst({ where: { firmId: viewer.firmId, accountId: accountId ?? null } });
    if (!hours) throw new AppError('not_found', accountId ? 'this account uses the firm\'s hours' : 'no office hours are set');
    res.json({ accountId: hours.accountId, timeZone: hours.timeZone, weekly: hours.weekly, closures: hours.closures });
  });

  router.put('/api/admin/business-hours', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { accountId } = parseQuery(req, hoursQuerySchema);
    if (accountId) {
      const account = await db.prisma.channelAccount.findFirst({ where: { id: accountId, firmId: viewer.firmId } });
      if (!account) throw new AppError('not_found', 'no such channel account', { accountId });
    }
    const spec = await saveBusinessHours({ db, firmId: viewer.firmId, accountId, input: req.body });
    await audit(db.pool, viewer.firmId, viewer.userId, 'business_hours.saved', { accountId: accountId ?? null });
    res.json(spec);
  });

  // An account's own hours removed: it answers by the firm's hours again. The firm's own hours are changed, never removed.
  router.delete('/api/admin/business-hours', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { accountId } = parseQuery(req, accountHoursQuerySchema);
    const removed = await db.prisma.businessHours.deleteMany({ where: { firmId: viewer.firmId, accountId } });
    if (removed.count === 0) throw new AppError('not_found', 'this account has no hours of its own: it already uses the firm\'s', { accountId });
    await audit(db.pool, viewer.firmId, viewer.userId, 'business_hours.removed', { accountId });
    res.status(204).end();
  });

  router.get('/api/admin/settings', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin', 'supervisor']);
    const firm = await db.prisma.firm.findUniqueOrThrow({ where: { id: viewer.firmId } });
    res.json({ ...readFirmSettings(firm.settings), timeZone: firm.timeZone, defaultLanguage: firm.defaultLanguage });
  });

  router.patch('/api/admin/settings', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { timeZone, defaultLanguage, ...patch } = parseBody(req, settingsPatchSchema);
    if (patch.onCallUserId) {
      const user = await db.prisma.user.findFirst({ where: { id: patch.onCallUserId, firmId: viewer.firmId, disabledAt: null } });
      if (!user) throw new AppError('bad_request', 'body.onCallUserId: not an active user of this firm');
    }
    const firm = await db.prisma.firm.findUniqueOrThrow({ where: { id: viewer.firmId } });
    const settings = { ...readFirmSettings(firm.settings), ...patch };
    const updated = await db.prisma.firm.update({
      where: { id: viewer.firmId },
      data: { settings, ...(timeZone ? { timeZone } : {}), ...(defaultLanguage ? { defaultLanguage } : {}) },
    });
    const changed = [...Object.keys(patch), ...(timeZone ? ['timeZone'] : []), ...(defaultLanguage ? ['defaultLanguage'] : [])];
    await audit(db.pool, viewer.firmId, viewer.userId, 'settings.saved', {
      changed,
      ...(timeZone && timeZone !== firm.timeZone ? { timeZone: { from: firm.timeZone, to: timeZone } } : {}),
    });
    // Retention decides what the firm's record destroys: its every change is audited with the values.
    const before = readFirmSettings(firm.settings).retentionDays;
    if (patch.retentionDays !== undefined && patch.retentionDays !== before) {
      await audit(db.pool, viewer.firmId, viewer.userId, 'settings.retention_changed', { from: before, to: patch.retentionDays });
    }
    res.json({ ...settings, timeZone: updated.timeZone, defaultLanguage: updated.defaultLanguage });
  });

  return router;
}
