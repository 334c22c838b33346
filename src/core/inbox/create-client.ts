import type pg from 'pg';
import { may } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { newId } from '../new-id.js';
import { withTransaction } from '../transaction.js';
import type { ClientSummary } from './list-clients.js';

export interface CreateClientOptions {
  pool: pg.Pool;
  viewer: Viewer;
  name: string;
  /** The firm's own client number; numbered C00001 ... when not given. */
  number?: string;
  language?: string;
  email?: string;
  notes?: string;
  tags?: string[];
}

/** Intake: a new client of the viewer's firm (staff and admins). */
export async function createClient(options: CreateClientOptions): Promise<ClientSummary> {
  const { viewer } = options;
  if (!may(viewer, 'managesIntake')) throw new AppError('forbidden', 'only staff and admins create clients');
  return withTransaction(options.pool, async (client) => {
    // Without a number of the firm's, the column's default numbers the client (migration client_numbers_ledes_codes).
    const values = [newId(), viewer.firmId, options.name, options.language ?? null, options.email ?? null, options.notes ?? null, options.tags ?? []];
    const created = await client.query<ClientSummary>(
      `INSERT INTO "Client" (id, "firmId", name, language, email, notes, tags${options.number ? ', number' : ''})
       VALUES ($1, $2, $3, $4, $5, $6, $7${options.number ? ', $8' : ''})
       ON CONFLICT ("firmId", number) DO NOTHING
       RETURNING id, number, name, language, email, tags, "createdAt"`,
      options.number ? [...values, options.number] : values,
    );
    const row = created.rows[0];
    if (!row) throw new AppError('conflict', `another client of the firm has the number ${options.number}`, { field: 'number' });
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'client.created',
      subjectType: 'client',
      subjectId: row.id,
    });
    return row;
  });
}

/** A client's number changed (staff and admins), audited with the old and the new. */
export async function setClientNumber(options: { pool: pg.Pool; viewer: Viewer; clientId: string; number: string }): Promise<ClientSummary> {
  const { viewer } = options;
  if (!may(viewer, 'managesIntake')) throw new AppError('forbidden', 'only staff and admins change clients');
  return withTransaction(options.pool, async (client) => {
    const found = await client.query<{ number: string }>(`SELECT number FROM "Client" WHERE id = $1 AND "firmId" = $2 FOR UPDATE`, [options.clientId, viewer.firmId]);
    const before = found.rows[0];
    if (!before) throw new AppError('not_found', 'no such client', { clientId: options.clientId });
    const taken = await client.query(`SELECT 1 FROM "Client" WHERE "firmId" = $1 AND number = $2 AND id <> $3`, [viewer.firmId, options.number, options.clientId]);
    if (taken.rowCount) throw new AppError('conflict', `another client of the firm has the number ${options.number}`, { field: 'number' });
    const updated = await client.query<ClientSummary>(
      `UPDATE "Client" SET number = $2 WHERE id = $1 RETURNING id, number, name, language, email, tags, "createdAt"`,
      [options.clientId, options.number],
    );
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'client.number_changed',
      subjectType: 'client',
      subjectId: options.clientId,
      details: { from: before.number, to: options.number },
    });
    return updated.rows[0]!;
  });
}
