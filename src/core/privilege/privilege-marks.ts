import type pg from 'pg';
import { canAccessMatter } from '../access/can-access-matter.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import type { CsvColumn } from '../review/review-csv.js';
import { toCsv } from '../review/review-csv.js';
import { privilegedSql } from './privileged-sql.js';

// Privilege tagging (issue 19). A lawyer on the matter marks messages, or a whole conversation, privileged
// (attorney-client or work product) with a basis and a description that does not reveal the content. Marks withhold
// the messages from RSMF productions (and from a search asked to exclude them), and make the matter's privilege log.
// A mark is removed with a reason, never deleted; both are audited.

export const privilegeKinds = ['attorney_client', 'work_product'] as const;
export type PrivilegeKind = (typeof privilegeKinds)[number];

export const privilegeNames: Record<PrivilegeKind, string> = {
  attorney_client: 'Attorney-client privilege',
  work_product: 'Attorney work product',
};

/** Who may assert privilege: the matter's lawyers and supervisors (staff and admins do not make legal judgements). */
const markingRoles = new Set(['lawyer', 'supervisor']);

export interface PrivilegeMarkView {
  id: string;
  conversationId: string;
  /** Null: the whole conversation. */
  messageId: string | null;
  privilege: PrivilegeKind;
  basis: string;
  description: string;
  markedBy: { id: string; name: string };
  markedAt: Date;
}

export interface MarkPrivilegedInput {
  pool: pg.Pool;
  viewer: Viewer;
  matterId: string;
  target: { messageIds: readonly string[] } | { conversationId: string };
  privilege: PrivilegeKind;
  basis: string;
  description: string;
}

async function requireMatter(pool: pg.Pool | pg.ClientBase, viewer: Viewer, matterId: string, action: 'mark' | 'read'): Promise<void> {
  if (!(await canAccessMatter(pool, viewer, matterId))) throw new AppError('not_found', 'no such matter', { matterId });
  if (action === 'mark' && !markingRoles.has(viewer.role)) {
    throw new AppError('forbidden', 'only a lawyer or supervisor on the matter can assert or withdraw privilege');
  }
}

/** Marks the messages (or the conversation) privileged; refuses what is not the matter's or already marked, naming it. */
export async function markPrivileged(input: MarkPrivilegedInput): Promise<PrivilegeMarkView[]> {
  const { pool, viewer, matterId } = input;
  await requireMatter(pool, viewer, matterId, 'mark');
  return withTransaction(pool, async (client) => {
    let targets: { conversationId: string; messageId: string | null }[];
    if ('conversationId' in input.target) {
      const found = await client.query<{ id: string }>(`SELECT id FROM "Conversation" WHERE id = $1 AND "matterId" = $2 FOR KEY SHARE`, [input.target.conversationId, matterId]);
      if (found.rowCount === 0) throw new AppError('not_found', 'no such conversation in this matter', { conversationId: input.target.conversationId });
      targets = [{ conversationId: input.target.conversationId, messageId: null }];
    } else {
      const ids = [...new Set(input.target.messageIds)];
      const found = await client.query<{ id: string; conversationId: string }>(
        `SELECT m.id, m."conversationId" FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
          WHERE m.id = ANY($1::text[]) AND c."matterId" = $2 FOR KEY SHARE OF m`,
        [ids, matterId],
      );
      const missing = ids.filter((id) => !found.rows.some((row) => row.id === id));
      if (missing.length > 0) throw new AppError('not_found', `no such message in this matter: ${missing.join(', ')}`, { messageIds: missing });
      targets = found.rows.map((row) => ({ conversationId: row.conversationId, messageId: row.id }));
    }
    const inserted = await client
      .query<{ id: string }>(
        `INSERT INTO "PrivilegeMark" (id, "firmId", "conversationId", "messageId", privilege, basis, description, "markedById")
         SELECT gen_random_uuid()::text, $1, t."conversationId", t."messageId", $4::"PrivilegeKind", $5, $6, $7
           FROM unnest($2::text[], $3::text[]) AS t("conversationId", "messageId")
         RETURNING id`,
        [viewer.firmId, targets.map((t) => t.conversationId), targets.map((t) => t.messageId), input.privilege, input.basis, input.description, viewer.userId],
      )
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === '23505') {
          throw new AppError('conflict', 'already marked privileged: withdraw the standing mark first to change it', { target: input.target });
        }
        throw error;
      });
    const ids = inserted.rows.map((row) => row.id);
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'privilege.marked',
      subjectType: 'matter',
      subjectId: matterId,
      details: { markIds: ids, privilege: input.privilege, basis: input.basis, description: input.description, ...targetDetails(input.target) },
    });
    return readMarks(client, { ids });
  });
}

const targetDetails = (target: MarkPrivilegedInput['target']) =>
  'conversationId' in target ? { conversationId: target.conversationId } : { messageIds: [...target.messageIds] };

/** Withdraws a standing mark, with the reason; the mark stays in the record as withdrawn. */
export async function withdrawPrivilegeMark(input: { pool: pg.Pool; viewer: Viewer; markId: string; reason: string }): Promise<void> {
  const { pool, viewer } = input;
  const found = await pool.query<{ matterId: string | null }>(
    `SELECT c."matterId" FROM "PrivilegeMark" pm JOIN "Conversation" c ON c.id = pm."conversationId" WHERE pm.id = $1 AND pm."firmId" = $2`,
    [input.markId, viewer.firmId],
  );
  const matterId = found.rows[0]?.matterId;
  if (!matterId) throw new AppError('not_found', 'no such privilege mark', { markId: input.markId });
  await requireMatter(pool, viewer, matterId, 'mark');
  await withTransaction(pool, async (client) => {
    const updated = await client.query(
      `UPDATE "PrivilegeMark" SET "removedAt" = now(), "removedById" = $2, "removedReason" = $3 WHERE id = $1 AND "removedAt" IS NULL`,
      [input.markId, viewer.userId, input.reason],
    );
    if (updated.rowCount === 0) throw new AppError('conflict', 'this privilege mark was already withdrawn', { markId: input.markId });
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'privilege.withdrawn',
      subjectType: 'matter',
      subjectId: matterId,
      details: { markId: input.markId, reason: input.reason },
    });
  });
}

/** The matter's standing marks, for whoever may see the matter. */
export async function listPrivilegeMarks(pool: pg.Pool, viewer: Viewer, matterId: string): Promise<PrivilegeMarkView[]> {
  await requireMatter(pool, viewer, matterId, 'read');
  return readMarks(pool, { matterId });
}

async function readMarks(db: pg.Pool | pg.ClientBase, where: { ids: string[] } | { matterId: string }): Promise<PrivilegeMarkView[]> {
  const byIds = 'ids' in where;
  const found = await db.query<PrivilegeMarkView & { markedById: string; markedByName: string }>(
    `SELECT pm.id, pm."conversationId", pm."messageId", pm.privilege, pm.basis, pm.description, pm."markedAt",
            u.id AS "markedById", u.name AS "markedByName"
       FROM "PrivilegeMark" pm JOIN "User" u ON u.id = pm."markedById" JOIN "Conversation" c ON c.id = pm."conversationId"
      WHERE pm."removedAt" IS NULL AND ${byIds ? 'pm.id = ANY($1::text[])' : 'c."matterId" = $1'}
      ORDER BY pm."markedAt", pm.id`,
    [byIds ? where.ids : where.matterId],
  );
  return found.rows.map(({ markedById, markedByName, ...mark }) => ({ ...mark, markedBy: { id: markedById, name: markedByName } }));
}

export interface PrivilegeLogEntry {
  /** PRIV-0001, in date order. */
  entry: string;
  messageId: string;
  date: Date;
  author: string;
  recipients: string[];
  /** What kind of item was withheld, without its content ("WhatsApp message with 1 attachment (image/jpeg)"). */
  type: string;
  privilege: PrivilegeKind;
  privilegeAsserted: string;
  basis: string;
  description: string;
  markedBy: string;
  markedAt: Date;
}

const channelNames: Record<string, string> = {
  twilio: 'SMS message',
  signal: 'Signal message',
  simulator: 'Simulated message',
  whatsapp_cloud: 'WhatsApp message',
  baileys: 'WhatsApp message',
  whatsapp_web: 'WhatsApp message',
};

/**
 * The matter's privilege log: each withheld message (the productions leave out exactly these) with its date, author,
 * recipients, type, the privilege asserted, its basis and a description that does not reveal the content. Reading it
 * is audited.
 */
export async function privilegeLog(pool: pg.Pool, viewer: Viewer, matterId: string): Promise<PrivilegeLogEntry[]> {
  await requireMatter(pool, viewer, matterId, 'read');
  const rows = await pool.query<{
    messageId: string;
    date: Date;
    direction: 'inbound' | 'outbound';
    channel: string;
    authorName: string | null;
    accountName: string;
    contactName: string | null;
    attachments: string[];
    privilege: PrivilegeKind;
    basis: string;
    description: string;
    markedBy: string;
    markedAt: Date;
  }>(
    `SELECT m.id AS "messageId", COALESCE(m."sentAt", m."capturedAt") AS date, m.direction, a.kind AS channel,
            u.name AS "authorName", a.name AS "accountName",
            COALESCE(cl.name, i."displayName", i.address) AS "contactName",
            COALESCE((SELECT array_agg(f."mimeType" ORDER BY f."createdAt", f.id) FROM "Attachment" f WHERE f."messageId" = m.id), '{}') AS attachments,
            pm.privilege, pm.basis, pm.description, mu.name AS "markedBy", pm."markedAt"
       FROM "Message" m
       JOIN "Conversation" c ON c.id = m."conversationId"
       JOIN "ChannelAccount" a ON a.id = m."accountId"
       JOIN LATERAL (
         SELECT * FROM "PrivilegeMark" x WHERE x."removedAt" IS NULL
            AND (x."messageId" = m.id OR (x."messageId" IS NULL AND x."conversationId" = c.id))
          ORDER BY (x."messageId" IS NULL), x."markedAt" LIMIT 1
       ) pm ON true
       JOIN "User" mu ON mu.id = pm."markedById"
       LEFT JOIN "User" u ON u.id = m."authorUserId"
       LEFT JOIN "ContactIdentity" i ON i.id = COALESCE(m."identityId", c."identityId")
       LEFT JOIN "Client" cl ON cl.id = i."clientId"
      WHERE c."matterId" = $1 AND m.kind NOT IN ('reaction', 'edit', 'deletion') AND EXISTS (${privilegedSql('m', 'c')})
      ORDER BY 2, m.id`,
    [matterId],
  );
  await recordAudit(pool, {
    firmId: viewer.firmId,
    actorUserId: viewer.userId,
    actorKind: 'user',
    action: 'matter.privilege_log_read',
    subjectType: 'matter',
    subjectId: matterId,
    details: { entries: rows.rows.length },
  });
  return rows.rows.map((row, index) => {
    const firmSide = row.authorName ?? `${row.accountName} (automatic)`;
    const clientSide = row.contactName ?? 'the client';
    const files = row.attachments.length;
    return {
      entry: `PRIV-${String(index + 1).padStart(4, '0')}`,
      messageId: row.messageId,
      date: row.date,
      author: row.direction === 'inbound' ? clientSide : firmSide,
      recipients: [row.direction === 'inbound' ? row.accountName : clientSide],
      type: `${channelNames[row.channel] ?? 'Message'}${files > 0 ? ` with ${files} attachment${files > 1 ? 's' : ''} (${row.attachments.join(', ')})` : ''}`,
      privilege: row.privilege,
      privilegeAsserted: privilegeNames[row.privilege],
      basis: row.basis,
      description: row.description,
      markedBy: row.markedBy,
      markedAt: row.markedAt,
    };
  });
}

const logColumns: CsvColumn<PrivilegeLogEntry>[] = [
  { header: 'Entry', value: (e) => e.entry },
  { header: 'Date (UTC)', value: (e) => e.date.toISOString() },
  { header: 'Author', value: (e) => e.author },
  { header: 'Recipients', value: (e) => e.recipients.join('; ') },
  { header: 'Type', value: (e) => e.type },
  { header: 'Privilege asserted', value: (e) => e.privilegeAsserted },
  { header: 'Basis', value: (e) => e.basis },
  { header: 'Description', value: (e) => e.description },
  { header: 'Control number', value: (e) => e.messageId },
];

export const privilegeLogCsv = (entries: readonly PrivilegeLogEntry[]): string => toCsv(logColumns, entries);
