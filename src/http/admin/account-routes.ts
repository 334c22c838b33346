import { Router } from 'express';
import { testAccountConnection } from '../../bridges/test-connection.js';
import { z } from 'zod';
import type { BridgeRegistry } from '../../bridges/bridge-registry.js';
import { signalConfigSchema } from '../../bridges/signal/signal-config.js';
import { twilioConfigSchema } from '../../bridges/twilio/twilio-config.js';
import { graphApiVersionWarning } from '../../bridges/whatsapp-cloud/graph-api-versions.js';
import { defaultGraphApiVersion, whatsappCloudConfigSchema } from '../../bridges/whatsapp-cloud/whatsapp-cloud-config.js';
import { recordAudit } from '../../core/audit/record-audit.js';
import { isSealedValue, openAccountConfig, sealAccountConfig, secretFieldsOf } from '../../core/crypto/seal-account-config.js';
import type { Keyring } from '../../core/crypto/secret-box.js';
import { AppError } from '../../core/errors.js';
import type { Database } from '../../db/prisma.js';
import type { ChannelKind } from '../../generated/prisma/enums.js';
import { emptyBodySchema, idParamsSchema } from '../api/api-schemas.js';
import { parseBody, parseParams, parseQuery } from '../api/parse-input.js';
import { requireViewer } from '../auth/request-session.js';
import { requireRole } from '../require-role.js';

// The public names of the channels (ARCHITECTURE.md "The public surface") and their stored form.
const kindNames = {
  simulator: 'simulator',
  baileys: 'baileys',
  'whatsapp-web': 'whatsapp_web',
  signal: 'signal',
  'whatsapp-cloud': 'whatsapp_cloud',
  twilio: 'twilio',
} as const satisfies Record<string, ChannelKind>;
type PublicKind = keyof typeof kindNames;
const publicKindOf = Object.fromEntries(Object.entries(kindNames).map(([name, kind]) => [kind, name])) as Record<ChannelKind, PublicKind>;

// What each channel needs; the linked-phone channels need nothing up front (they link by QR code).
export const configSchemas: Record<PublicKind, z.ZodType<Record<string, unknown>>> = {
  simulator: z.object({ exclusive: z.boolean().optional() }).strict(),
  // mediaOrigin: only for a proxy in front of WhatsApp's media hosts (the files stay encrypted end to end).
  baileys: z.object({ silentAfterMs: z.number().int().min(0).optional(), mediaOrigin: z.url({ protocol: /^https?$/ }).optional() }).strict(),
  'whatsapp-web': z.object({ silentAfterMs: z.number().int().min(0).optional() }).strict(),
  signal: signalConfigSchema,
  'whatsapp-cloud': whatsappCloudConfigSchema.strict(),
  twilio: twilioConfigSchema.strict(),
};

export const createAccountSchema = z
  .object({
    kind: z.enum(Object.keys(kindNames) as [PublicKind, ...PublicKind[]]),
    name: z.string().trim().min(1).max(120),
    config: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export const reasonSchema = z.object({ reason: z.string().trim().max(500).optional() }).strict();
/**
 * PATCH /api/admin/accounts/:id: a new name and/or changed settings. `config` holds only what changes: a field given
 * replaces the stored one, null removes an optional one, a secret left out is kept (it is never shown again).
 */
export const editAccountSchema = z
  .object({
    name: z.string().trim().min(1, 'give the account a name').max(120).optional(),
    config: z.record(z.string().max(100), z.unknown()).optional(),
  })
  .strict()
  .refine((body) => body.name !== undefined || body.config !== undefined, 'give a new name or settings to change');
export const reportsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict();

/** What the account page should warn about now: a WhatsApp Cloud account on a Graph API version near its end. */
export function accountWarnings(kind: ChannelKind, config: unknown, now: Date = new Date()): { code: string; message: string }[] {
  if (kind !== 'whatsapp_cloud' || typeof config !== 'object' || config === null) return [];
  const { graphApiVersion, graphBaseUrl } = config as { graphApiVersion?: unknown; graphBaseUrl?: unknown };
  const fromUrl = typeof graphBaseUrl === 'string' ? /\/(v\d{1,3}\.\d)(?:\/|$)/.exec(graphBaseUrl)?.[1] : undefined;
  // A Graph URL of its own (a proxy) names the version actually called.
  const version = fromUrl ?? (typeof graphApiVersion === 'string' ? graphApiVersion : defaultGraphApiVersion);
  const warning = graphApiVersionWarning(version, now);
  return warning ? [warning] : [];
}

/** The config as the channel's schema checks it; each problem named by its field (body.config.accountSid: …). */
function checkConfig(kind: PublicKind, config: Record<string, unknown>): Record<string, unknown> {
  const parsed = configSchemas[kind].safeParse(config);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => ({ path: ['body', 'config', ...issue.path.map(String)].join('.'), message: issue.message }));
  throw new AppError('bad_request', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems });
}

const addressOf = (config: Record<string, unknown>): string | null =>
  typeof config.number === 'string' ? config.number : typeof config.phoneNumber === 'string' ? config.phoneNumber : null;

/** What the admin's edit form shows of a stored config: every field but the secrets, and which secrets are set. */
function visibleSettings(kind: ChannelKind, config: unknown): { settings: Record<string, unknown>; secretsSet: string[] } {
  const stored = typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : {};
  const secrets = new Set(secretFieldsOf(kind));
  const settings: Record<string, unknown> = {};
  const secretsSet: string[] = [];
  for (const [field, value] of Object.entries(stored)) {
    if (secrets.has(field) || isSealedValue(value)) secretsSet.push(field);
    else settings[field] = value;
  }
  return { settings, secretsSet: secretsSet.sort() };
}

/** The firm's channel accounts, for its admin: add, see state, last error and QR code, pause, resume, remove. */
export function accountRoutes(options: { db: Database; registry: BridgeRegistry; keyring: Keyring; simulatorEnabled: boolean }): Router {
  const router = Router();
  const { db } = options;

  const view = (account: {
    id: string;
    kind: ChannelKind;
    name: string;
    address: string | null;
    state: string;
    stateReason: string | null;
    lastError: string | null;
    qrCode: string | null;
    paused: boolean;
    lastEventAt: Date | null;
    leaseHolder: string | null;
    createdAt: Date;
    config: unknown;
  }) => ({
    id: account.id,
    kind: publicKindOf[account.kind],
    name: account.name,
    address: account.address,
    state: account.paused ? 'paused' : account.state,
    stateReason: account.stateReason,
    lastError: account.lastError,
    qrCode: account.qrCode,
    lastEventAt: account.lastEventAt,
    connectedBy: account.leaseHolder,
    createdAt: account.createdAt,
    warnings: accountWarnings(account.kind, account.config),
    ...visibleSettings(account.kind, account.config),
  });

  const audit = (firmId: string, userId: string, action: string, accountId: string, details: Record<string, unknown> = {}) =>
    recordAudit(db.pool, { firmId, actorUserId: userId, actorKind: 'user', action, subjectType: 'channel_account', subjectId: accountId, details });

  const ownAccount = async (firmId: string, id: string) => {
    const account = await db.prisma.channelAccount.findFirst({ where: { id, firmId, removedAt: null } });
    if (!account) throw new AppError('not_found', 'no such channel account', { accountId: id });
    return account;
  };

  router.get('/api/admin/accounts', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const accounts = await db.prisma.channelAccount.findMany({ where: { firmId: viewer.firmId, removedAt: null }, orderBy: { createdAt: 'asc' } });
    res.json(accounts.map(view));
  });

  router.get('/api/admin/accounts/:id', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { id } = parseParams(req, idParamsSchema);
    res.json(view(await ownAccount(viewer.firmId, id)));
  });

  // What the provider said that is not a message: errors it reported, parts kept raw, events for numbers no account owns.
  router.get('/api/admin/accounts/:id/reports', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { id } = parseParams(req, idParamsSchema);
    const { limit } = parseQuery(req, reportsQuerySchema);
    await ownAccount(viewer.firmId, id);
    const reports = await db.prisma.accountReport.findMany({ where: { accountId: id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit });
    await audit(viewer.firmId, viewer.userId, 'account.reports_read', id, { count: reports.length });
    res.json(reports.map((report) => ({ id: report.id, kind: report.kind, detail: report.detail, raw: report.raw, at: report.at, createdAt: report.createdAt })));
  });

  router.post('/api/admin/accounts', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const body = parseBody(req, createAccountSchema);
    if (body.kind === 'simulator' && !options.simulatorEnabled) {
      throw new AppError('bad_request', 'kind: simulator accounts are a demo tool, off on this server (set MATTERLINE_SIMULATOR=on to allow them)', {
        problems: [{ path: 'body.kind', message: 'the simulator is off (MATTERLINE_SIMULATOR)' }],
      });
    }
    const parsed = checkConfig(body.kind, body.config);
    const kind = kindNames[body.kind];
    const account = await db.prisma.channelAccount.create({
      data: {
        firmId: viewer.firmId,
        kind,
        name: body.name,
        // Secrets are sealed (AES-256-GCM) before they reach the database.
        config: sealAccountConfig(kind, parsed, options.keyring) as object,
        state: kind === 'baileys' || kind === 'whatsapp_web' ? 'linking' : 'connecting',
        address: addressOf(parsed),
      },
    });
    await audit(viewer.firmId, viewer.userId, 'account.added', account.id, { kind: body.kind, name: body.name });
    res.status(201).json({ id: account.id });
  });

  for (const [path, paused] of [['pause', true], ['resume', false]] as const) {
    router.post(`/api/admin/accounts/:id/${path}`, async (req, res) => {
      const viewer = requireViewer(req);
      requireRole(viewer, ['admin']);
      const { id } = parseParams(req, idParamsSchema);
      const { reason } = parseBody(req, reasonSchema);
      await ownAccount(viewer.firmId, id);
      const account = await db.prisma.channelAccount.update({ where: { id }, data: { paused } });
      // This process lets go at once; the account supervisors of the others see the flag on their next pass.
      if (paused) await options.registry.release(id);
      await audit(viewer.firmId, viewer.userId, paused ? 'account.paused' : 'account.resumed', id, { reason: reason ?? null });
      res.json(view(account));
    });
  }

  // "Test connection": the provider's answer to the account's own credentials, in words; audited.
  router.post('/api/admin/accounts/:id/test', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { id } = parseParams(req, idParamsSchema);
    parseBody(req, emptyBodySchema);
    const account = await ownAccount(viewer.firmId, id);
    const result = await testAccountConnection(account.kind, openAccountConfig(account.kind, account.config as Record<string, unknown>, options.keyring));
    await audit(viewer.firmId, viewer.userId, 'account.tested', id, { ok: result.ok });
    res.json(result);
  });

  router.patch('/api/admin/accounts/:id', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { id } = parseParams(req, idParamsSchema);
    const body = parseBody(req, editAccountSchema);
    const before = await ownAccount(viewer.firmId, id);
    let settings: { config: object; address: string | null; fields: string[] } | undefined;
    if (body.config) {
      const stored = openAccountConfig(before.kind, before.config as Record<string, unknown>, options.keyring);
      const merged: Record<string, unknown> = { ...stored };
      for (const [field, value] of Object.entries(body.config)) {
        if (value === null) delete merged[field];
        else merged[field] = value;
      }
      const checked = checkConfig(publicKindOf[before.kind], merged);
      const fields = [...new Set([...Object.keys(stored), ...Object.keys(checked)])].filter((field) => JSON.stringify(stored[field]) !== JSON.stringify(checked[field])).sort();
      settings = { config: sealAccountConfig(before.kind, checked, options.keyring), address: addressOf(checked), fields };
    }
    const account = await db.prisma.channelAccount.update({
      where: { id },
      data: {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(settings && settings.fields.length > 0 ? { config: settings.config, address: settings.address, configVersion: { increment: 1 } } : {}),
      },
    });
    if (body.name !== undefined && body.name !== before.name) await audit(viewer.firmId, viewer.userId, 'account.renamed', id, { from: before.name, to: body.name });
    if (settings && settings.fields.length > 0) {
      // The names of what changed, never a value: secrets stay out of the log.
      await audit(viewer.firmId, viewer.userId, 'account.settings_changed', id, { fields: settings.fields });
      await options.registry.rebuild(id);
    }
    res.json(view(account));
  });

  router.delete('/api/admin/accounts/:id', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { id } = parseParams(req, idParamsSchema);
    const { reason } = parseBody(req, reasonSchema);
    await ownAccount(viewer.firmId, id);
    // The record stays: an account is marked removed, never deleted with its messages.
    await db.prisma.channelAccount.update({ where: { id }, data: { removedAt: new Date(), paused: true } });
    await options.registry.release(id);
    await audit(viewer.firmId, viewer.userId, 'account.removed', id, { reason: reason ?? null });
    res.status(204).end();
  });

  return router;
}
