import type pg from 'pg';
import { notWalledFromMatter, roleRules, visibleConversationFilter } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';

// The shared inbox's working state of a conversation (Chatwoot's model, which firms know): who handles it, whether
// it is done, until when it is snoozed, and internal notes the client never sees. Anyone who may see a conversation
// may work it; every change is audited and committed with its audit event.

interface Locked {
  id: string;
  firmId: string;
  matterId: string | null;
  assigneeId: string | null;
  status: 'open' | 'done';
  snoozedUntil: Date | null;
}

/** The conversation, locked for the change, when the viewer may see it; 404 otherwise (a wall is never confirmed). */
async function lockVisible(client: pg.ClientBase, viewer: Viewer, conversationId: string): Promise<Locked> {
  const visible = visibleConversationFilter(viewer, 'c', 2);
  const found = await client.query<Locked>(
    `SELECT c.id, c."firmId", c."matterId", c."assigneeId", c.status, c."snoozedUntil"
       FROM "Conversation" c WHERE c.id = $1 AND ${visible.sql} FOR NO KEY UPDATE OF c`,
    [conversationId, ...visible.params],
  );
  const row = found.rows[0];
  if (!row) throw new AppError('not_found', 'no such conversation', { conversationId });
  return row;
}

export interface Colleague {
  id: string;
  name: string;
  role: string;
}

/**
 * Who a conversation may be assigned to: the members of its matter whom no wall keeps from it, or, before triage, the
 * firm's people who file conversations (staff and admins). Disabled users never.
 */
async function colleaguesFor(db: pg.Pool | pg.ClientBase, conversation: { firmId: string; matterId: string | null }): Promise<Colleague[]> {
  if (conversation.matterId) {
    const rows = await db.query<Colleague>(
      `SELECT u.id, u.name, u.role::text AS role
         FROM "MatterMember" mm JOIN "User" u ON u.id = mm."userId"
        WHERE mm."matterId" = $1 AND u."disabledAt" IS NULL
          AND ${notWalledFromMatter('u', 1)}
        ORDER BY u.name, u.id`,
      [conversation.matterId],
    );
    return rows.rows;
  }
  const intakeRoles = Object.entries(roleRules)
    .filter(([, rule]) => rule.managesIntake)
    .map(([role]) => role);
  const rows = await db.query<Colleague>(
    `SELECT id, name, role::text AS role FROM "User"
      WHERE "firmId" = $1 AND "disabledAt" IS NULL AND role::text = ANY($2::text[])
      ORDER BY name, id`,
    [conversation.firmId, intakeRoles],
  );
  return rows.rows;
}

/** The colleagues the viewer may assign this conversation to. */
export async function listAssignees(pool: pg.Pool, viewer: Viewer, conversationId: string): Promise<Colleague[]> {
  return withTransaction(pool, async (client) => colleaguesFor(client, await lockVisible(client, viewer, conversationId)));
}

export interface WorkState {
  conversationId: string;
  assignee: { id: string; name: string } | null;
  status: 'open' | 'done';
  doneAt: Date | null;
  snoozedUntil: Date | null;
}

async function readState(client: pg.ClientBase, conversationId: string): Promise<WorkState> {
  const rows = await client.query<{ status: 'open' | 'done'; doneAt: Date | null; snoozedUntil: Date | null; assigneeId: string | null; assigneeName: string | null }>(
    `SELECT c.status, c."doneAt", c."snoozedUntil", c."assigneeId", u.name AS "assigneeName"
       FROM "Conversation" c LEFT JOIN "User" u ON u.id = c."assigneeId" WHERE c.id = $1`,
    [conversationId],
  );
  const row = rows.rows[0]!;
  return {
    conversationId,
    assignee: row.assigneeId && row.assigneeName ? { id: row.assigneeId, name: row.assigneeName } : null,
    status: row.status,
    doneAt: row.doneAt,
    snoozedUntil: row.snoozedUntil,
  };
}

/** Assigns the conversation to a colleague on its matter (null: unassigned). */
export async function setAssignee(pool: pg.Pool, viewer: Viewer, conversationId: string, userId: string | null): Promise<WorkState> {
  return withTransaction(pool, async (client) => {
    const conversation = await lockVisible(client, viewer, conversationId);
    if (userId !== null) {
      const colleagues = await colleaguesFor(client, conversation);
      if (!colleagues.some((colleague) => colleague.id === userId)) {
        throw new AppError(
          'bad_request',
          conversation.matterId
            ? 'a conversation can be assigned only to a member of its matter whom no ethical wall excludes'
            : 'a conversation awaiting triage can be assigned only to staff or an admin',
          { field: 'userId' },
        );
      }
    }
    if (conversation.assigneeId !== userId) {
      await client.query(`UPDATE "Conversation" SET "assigneeId" = $2 WHERE id = $1`, [conversationId, userId]);
      await audit(client, viewer, conversationId, 'conversation.assignee_changed', { from: conversation.assigneeId, to: userId });
    }
    return readState(client, conversationId);
  });
}

/** Marks the conversation done, or reopens it (which also ends a snooze). */
export async function setDone(pool: pg.Pool, viewer: Viewer, conversationId: string, done: boolean): Promise<WorkState> {
  return withTransaction(pool, async (client) => {
    const conversation = await lockVisible(client, viewer, conversationId);
    if (done && conversation.status !== 'done') {
      await client.query(`UPDATE "Conversation" SET status = 'done', "doneAt" = now(), "snoozedUntil" = NULL WHERE id = $1`, [conversationId]);
      await audit(client, viewer, conversationId, 'conversation.done', {});
    } else if (!done && (conversation.status === 'done' || conversation.snoozedUntil !== null)) {
      await client.query(`UPDATE "Conversation" SET status = 'open', "doneAt" = NULL, "snoozedUntil" = NULL WHERE id = $1`, [conversationId]);
      await audit(client, viewer, conversationId, 'conversation.reopened', { by: 'person' });
    }
    return readState(client, conversationId);
  });
}

/** Snoozes the conversation until a time in the future: it leaves the open list until then, or until the client writes. */
export async function snooze(pool: pg.Pool, viewer: Viewer, conversationId: string, until: Date, now: Date = new Date()): Promise<WorkState> {
  if (until.getTime() <= now.getTime()) throw new AppError('bad_request', 'a snooze must end in the future', { field: 'until' });
  return withTransaction(pool, async (client) => {
    await lockVisible(client, viewer, conversationId);
    await client.query(`UPDATE "Conversation" SET status = 'open', "doneAt" = NULL, "snoozedUntil" = $2 WHERE id = $1`, [conversationId, until]);
    await audit(client, viewer, conversationId, 'conversation.snoozed', { until: until.toISOString() });
    return readState(client, conversationId);
  });
}

/**
 * A new message from the client reopens a done or snoozed conversation (inside the processing transaction of the
 * message). Returns the conversations that changed.
 */
export async function reopenOnClientMessage(client: pg.ClientBase, conversationIds: readonly string[]): Promise<string[]> {
  if (conversationIds.length === 0) return [];
  const reopened = await client.query<{ id: string }>(
    `UPDATE "Conversation" SET status = 'open', "doneAt" = NULL, "snoozedUntil" = NULL
      WHERE id = ANY($1::text[]) AND (status = 'done' OR "snoozedUntil" IS NOT NULL)
      RETURNING id`,
    [conversationIds],
  );
  return reopened.rows.map((row) => row.id);
}

export interface ConversationNote {
  id: string;
  conversationId: string;
  author: { id: string; name: string } | null;
  text: string;
  createdAt: Date;
}

/** Adds an internal note to the thread: never sent; part of the record and of the matter file's exports. */
export async function addNote(pool: pg.Pool, viewer: Viewer, conversationId: string, text: string): Promise<ConversationNote> {
  return withTransaction(pool, async (client) => {
    const conversation = await lockVisible(client, viewer, conversationId);
    const inserted = await client.query<{ id: string; createdAt: Date }>(
      `INSERT INTO "ConversationNote" (id, "firmId", "conversationId", "authorId", text)
       VALUES (gen_random_uuid()::text, $1, $2, $3, $4) RETURNING id, "createdAt"`,
      [conversation.firmId, conversationId, viewer.userId, text],
    );
    const note = inserted.rows[0]!;
    // The audit says that a note was written, not what it says: the note itself is the record.
    await audit(client, viewer, conversationId, 'conversation.note_added', { noteId: note.id, length: text.length });
    const author = await client.query<{ name: string }>(`SELECT name FROM "User" WHERE id = $1`, [viewer.userId]);
    return { id: note.id, conversationId, author: { id: viewer.userId, name: author.rows[0]?.name ?? '' }, text, createdAt: note.createdAt };
  });
}

/** The conversation's internal notes, oldest first. */
export async function listNotes(pool: pg.Pool, viewer: Viewer, conversationId: string): Promise<ConversationNote[]> {
  const visible = visibleConversationFilter(viewer, 'c', 2);
  const found = await pool.query(`SELECT 1 FROM "Conversation" c WHERE c.id = $1 AND ${visible.sql}`, [conversationId, ...visible.params]);
  if (found.rowCount === 0) throw new AppError('not_found', 'no such conversation', { conversationId });
  const rows = await pool.query<{ id: string; authorId: string | null; authorName: string | null; text: string; createdAt: Date }>(
    `SELECT n.id, n."authorId", u.name AS "authorName", n.text, n."createdAt"
       FROM "ConversationNote" n LEFT JOIN "User" u ON u.id = n."authorId"
      WHERE n."conversationId" = $1 ORDER BY n."createdAt", n.id`,
    [conversationId],
  );
  return rows.rows.map((row) => ({
    id: row.id,
    conversationId,
    author: row.authorId && row.authorName ? { id: row.authorId, name: row.authorName } : null,
    text: row.text,
    createdAt: row.createdAt,
  }));
}

async function audit(client: pg.ClientBase, viewer: Viewer, conversationId: string, action: string, details: Record<string, unknown>) {
  await recordAudit(client, {
    firmId: viewer.firmId,
    actorUserId: viewer.userId,
    actorKind: 'user',
    action,
    subjectType: 'conversation',
    subjectId: conversationId,
    details,
  });
}
