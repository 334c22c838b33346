import path from 'node:path';
import express, { Router } from 'express';
import type { RequestHandler } from 'express';
import QRCode from 'qrcode';
import { approvedTemplatesOf } from '../core/channel-rules/approved-templates.js';
import { intakeMatterFilter, may } from '../core/access/access-policy.js';
import { canAccessConversation } from '../core/access/can-access-conversation.js';
import type { ChannelKindName } from '../core/bridge-events.js';
import { freeTextAllowed, isWindowed, windowClosesAt } from '../core/channel-rules/whatsapp-window.js';
import type { ConsentState } from '../core/consent/consent-machine.js';
import { mayReceive } from '../core/consent/consent-machine.js';
import { AppError } from '../core/errors.js';
import { readFirmSettings } from '../core/firm-settings.js';
import { isOpen, nextOpening } from '../core/hours/business-hours.js';
import { loadBusinessHours } from '../core/hours/load-business-hours.js';
import type { Database } from '../db/prisma.js';
import { idParamsSchema } from './api/api-schemas.js';
import { parseParams } from './api/parse-input.js';
import { requireViewer } from './auth/request-session.js';
import { requireRole } from './require-role.js';
import { serveWebApp } from './web-bundle.js';

export const webRoot = path.resolve(import.meta.dirname, '../web/static');

/*
 * The inbox's pages are plain files: scripts only from this origin (no inline script, no eval), styles only from
 * files, no frames, no plugins, and fetch/EventSource only to this origin.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const pageHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('content-security-policy', contentSecurityPolicy);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  next();
};

/** The client-side routes of the inbox: each answers the same page, which reads the address itself. */
const pagePaths = ['/', '/sign-in', '/inbox', '/inbox/:id', '/conversations/:id', '/triage', '/time', '/supervision', '/account', '/set-password', '/clients', '/matters/:id', '/audit', '/notices', '/admin', '/admin/:section'];

/**
 * An address no route answers, asked for by a browser (GET, HTML accepted, outside the API): the app's page with
 * status 404, which draws its "not found" page inside the shell. The API and everything else keep the JSON 404.
 */
export const htmlNotFound: RequestHandler = (req, res, next) => {
  const wantsPage = (req.method === 'GET' || req.method === 'HEAD') && !req.path.startsWith('/api/') && (req.accepts(['json', 'html']) === 'html');
  if (!wantsPage) return next();
  pageHeaders(req, res, () => {
    res.status(404).setHeader('cache-control', 'no-cache');
    res.sendFile(path.join(webRoot, 'index.html'));
  });
};

export interface ComposerState {
  consent: {
    /** The contact's state; null for a conversation without one contact (a group). */
    state: ConsentState | null;
    blocked: boolean;
    revocationPending: boolean;
    /** Whether an ordinary message may go out; when not, why (the send gate's reasons). */
    mayReceive: boolean;
    reason: 'consent_required' | 'blocked' | 'opted_out' | 'revocation_pending' | 'no_contact' | null;
    /** When a consent request last went out, and when another may (the firm asks at most once a day). */
    requestedAt: Date | null;
    nextRequestAt: Date | null;
  };
  office: {
    /** False when the firm set no office hours: then it is always open. */
    hoursSet: boolean;
    open: boolean;
    nextOpening: Date | null;
    timeZone: string | null;
    /** What a send does while closed when the lawyer does not choose (the firm's setting). */
    defaultWhenClosed: 'send_now' | 'hold';
  };
  window: {
    /** The channel has a customer-service window (WhatsApp Cloud API). */
    applies: boolean;
    open: boolean;
    closesAt: Date | null;
  };
  templates: {
    /** The account's approved provider templates can be sent (POST .../messages {template: {name, language}}). */
    sendable: boolean;
    list: { name: string; language: string; text: string }[];
  };
}

interface ConversationRow {
  firmId: string;
  accountId: string;
  accountKind: ChannelKindName;
  accountConfig: Record<string, unknown>;
  lastInboundAt: Date | null;
  settings: unknown;
  consentState: ConsentState | null;
  blocked: boolean | null;
  revocationPendingMessageId: string | null;
  consentRequestedAt: Date | null;
}

// The same spacing send-consent-request enforces (a 429 inside it).
const consentRequestSpacingMs = 24 * 3600_000;

/**
 * What the composer must show before anything is typed: the consent gate, the office hours (open, or closed until
 * the next opening) and the WhatsApp window, computed with the same rules the send path applies.
 */
export async function composerState(db: Database, conversationId: string, now = new Date()): Promise<ComposerState> {
  const found = await db.pool.query<ConversationRow>(
    `SELECT c."firmId", c."accountId", a.kind AS "accountKind", a.config AS "accountConfig", c."lastInboundAt", f.settings,
            i."consentState", i.blocked, i."revocationPendingMessageId", i."consentRequestedAt"
       FROM "Conversation" c
       JOIN "ChannelAccount" a ON a.id = c."accountId"
       JOIN "Firm" f ON f.id = c."firmId"
       LEFT JOIN "ContactIdentity" i ON i.id = c."identityId"
      WHERE c.id = $1`,
    [conversationId],
  );
  const row = found.rows[0];
  if (!row) throw new AppError('not_found', 'no such conversation', { conversationId });
  const hours = await loadBusinessHours(db.pool, row.firmId, row.accountId);
  const open = hours ? isOpen(hours, now) : true;
  const permission = row.consentState
    ? mayReceive({
        state: row.consentState,
        blocked: row.blocked ?? false,
        revocationPending: row.revocationPendingMessageId !== null,
        purpose: 'conversation',
      })
    : null;
  const closesAt = windowClosesAt({ kind: row.accountKind, lastInboundAt: row.lastInboundAt });
  return {
    consent: {
      state: row.consentState,
      blocked: row.blocked ?? false,
      revocationPending: row.revocationPendingMessageId !== null,
      mayReceive: permission?.ok ?? false,
      reason: permission === null ? 'no_contact' : permission.ok ? null : permission.reason,
      requestedAt: row.consentRequestedAt,
      nextRequestAt:
        row.consentRequestedAt && row.consentRequestedAt.getTime() + consentRequestSpacingMs > now.getTime()
          ? new Date(row.consentRequestedAt.getTime() + consentRequestSpacingMs)
          : null,
    },
    office: {
      hoursSet: hours !== null,
      open,
      nextOpening: hours && !open ? nextOpening(hours, now) : null,
      timeZone: hours?.timeZone ?? null,
      defaultWhenClosed: readFirmSettings(row.settings).outOfHoursSends,
    },
    window: {
      applies: isWindowed(row.accountKind),
      open: freeTextAllowed({ kind: row.accountKind, lastInboundAt: row.lastInboundAt, now }),
      closesAt,
    },
    templates: (() => {
      const list = isWindowed(row.accountKind) ? approvedTemplatesOf(row.accountConfig) : [];
      return { sendable: list.length > 0, list };
    })(),
  };
}

/**
 * The web inbox (src/web/static): its pages and files, plus the reads only the pages need: the composer's gates for a
 * conversation, the matters triage may file under, and an account's linking QR code drawn as SVG. Mount after the
 * session middleware.
 */
export function webRoutes(options: { db: Database }): Router {
  const { db } = options;
  const router = Router();

  router.get('/api/conversations/:id/composer', async (req, res) => {
    const viewer = requireViewer(req);
    const { id } = parseParams(req, idParamsSchema);
    if (!(await canAccessConversation(db.pool, viewer, id))) throw new AppError('not_found', 'no such conversation');
    res.setHeader('cache-control', 'no-store');
    res.json(await composerState(db, id));
  });

  // Triage: the matters staff may file a conversation under. Wider than GET /api/matters (which lists the matters a
  // person is on): intake files into any matter of the firm that no wall keeps them from, as assign-conversation does.
  router.get('/api/intake/matters', async (req, res) => {
    const viewer = requireViewer(req);
    if (!may(viewer, 'managesIntake')) throw new AppError('forbidden', 'only staff and admins file conversations under matters');
    const filter = intakeMatterFilter(viewer, 'm', 1);
    const rows = await db.pool.query<{ id: string; number: string; title: string; status: string; clientId: string; clientName: string }>(
      `SELECT m.id, m.number, m.title, m.status, m."clientId", cl.name AS "clientName"
         FROM "Matter" m JOIN "Client" cl ON cl.id = m."clientId"
        WHERE ${filter.sql} AND m.status <> 'closed'
        ORDER BY cl.name, m.number, m.id`,
      filter.params,
    );
    res.setHeader('cache-control', 'no-store');
    res.json({ items: rows.rows });
  });

  router.get('/api/admin/accounts/:id/qr.svg', async (req, res) => {
    const viewer = requireViewer(req);
    requireRole(viewer, ['admin']);
    const { id } = parseParams(req, idParamsSchema);
    const account = await db.prisma.channelAccount.findFirst({ where: { id, firmId: viewer.firmId, removedAt: null }, select: { qrCode: true } });
    if (!account) throw new AppError('not_found', 'no such channel account', { accountId: id });
    if (!account.qrCode) throw new AppError('not_found', 'this account is not waiting for a QR code scan');
    const svg = await QRCode.toString(account.qrCode, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    // A linking code grants the phone's session: never cached, never framed.
    res.setHeader('cache-control', 'no-store');
    res.setHeader('content-security-policy', "default-src 'none'");
    res.type('image/svg+xml').send(svg);
  });

  // Unhashed file names, so every load revalidates (ETag, 304) instead of trusting a stale copy after a deploy.
  const files = express.static(webRoot, {
    index: false,
    etag: true,
    lastModified: true,
    dotfiles: 'ignore',
    setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
  });
  router.use((req, res, next) => {
    if (req.path.startsWith('/api/') || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    pageHeaders(req, res, () => files(req, res, next));
  });
  router.get('/assets/app.js', pageHeaders, serveWebApp);
  router.get(pagePaths, pageHeaders, (_req, res) => {
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(path.join(webRoot, 'index.html'));
  });

  return router;
}
