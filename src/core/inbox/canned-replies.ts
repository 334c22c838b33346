import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';

/** A saved reply of the firm: inserted into the composer, edited there, then sent like any reply. */
export interface CannedReply {
  id: string;
  name: string;
  language: string;
  body: string;
}

export interface CannedReplyInput {
  name: string;
  language: string;
  body: string;
}

/** The firm's saved replies, by name and language. */
export async function listCannedReplies(pool: pg.Pool, firmId: string): Promise<CannedReply[]> {
  const rows = await pool.query<CannedReply>(
    `SELECT id, name, language, body FROM "CannedReply" WHERE "firmId" = $1 ORDER BY lower(name), language, id`,
    [firmId],
  );
  return rows.rows;
}

const duplicate = (input: CannedReplyInput) =>
  new AppError('conflict', `a saved reply named "${input.name}" in ${input.language} exists already`, { field: 'name' });
const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

async function audit(pool: pg.Pool, viewer: Viewer, action: string, id: string, details: Record<string, unknown>) {
  await recordAudit(pool, { firmId: viewer.firmId, actorUserId: viewer.userId, actorKind: 'user', action, subjectType: 'canned_reply', subjectId: id, details });
}

export async function createCannedReply(pool: pg.Pool, viewer: Viewer, input: CannedReplyInput): Promise<CannedReply> {
  try {
    const rows = await pool.query<CannedReply>(
      `INSERT INTO "CannedReply" (id, "firmId", name, language, body, "updatedAt")
       VALUES (gen_random_uuid()::text, $1, $2, $3, $4, now()) RETURNING id, name, language, body`,
      [viewer.firmId, input.name, input.language, input.body],
    );
    const reply = rows.rows[0]!;
    await audit(pool, viewer, 'canned_reply.created', reply.id, { name: input.name, language: input.language });
    return reply;
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate(input);
    throw error;
  }
}

export async function updateCannedReply(pool: pg.Pool, viewer: Viewer, id: string, input: CannedReplyInput): Promise<CannedReply> {
  try {
    const rows = await pool.query<CannedReply>(
      `UPDATE "CannedReply" SET name = $3, language = $4, body = $5, "updatedAt" = now()
        WHERE id = $1 AND "firmId" = $2 RETURNING id, name, language, body`,
      [id, viewer.firmId, input.name, input.language, input.body],
    );
    const reply = rows.rows[0];
    if (!reply) throw new AppError('not_found', 'no such saved reply', { id });
    await audit(pool, viewer, 'canned_reply.updated', id, { name: input.name, language: input.language });
    return reply;
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate(input);
    throw error;
  }
}

export async function deleteCannedReply(pool: pg.Pool, viewer: Viewer, id: string): Promise<void> {
  const rows = await pool.query<{ name: string }>(`DELETE FROM "CannedReply" WHERE id = $1 AND "firmId" = $2 RETURNING name`, [id, viewer.firmId]);
  if (rows.rowCount === 0) throw new AppError('not_found', 'no such saved reply', { id });
  await audit(pool, viewer, 'canned_reply.deleted', id, { name: rows.rows[0]!.name });
}
