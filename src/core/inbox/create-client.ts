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
       RETURNING id, number, name, language, email, tags, "createdAt", "closedAt"`,
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

/**
 * Intake edits a client of the firm: name, number (unique in the firm; the LEDES CLIENT_ID), language, email, and
 * closes or reopens it. A client is closed only once every matter of theirs is closed (409 naming the open ones);
 * a closed client gets no new matter and none reopened (create-matter.ts, edit-matter.ts) until the client is
 * reopened. Audited with the values before and after; closing and reopening as client.closed and client.reopened.
 */
export async function editClient(options: {
  pool: pg.Pool;
  viewer: Viewer;
  clientId: string;
  change: { number?: string; name?: string; language?: string | null; email?: string | null; closed?: boolean };
}): Promise<ClientSummary> {
  const { viewer, change } = options;
  if (!may(viewer, 'managesIntake')) throw new AppError('forbidden', 'only staff and admins change clients');
  return withTransaction(options.pool, async (client) => {
    const found = await client.query<{ number: string; name: string; language: string | null; email: string | null; closedAt: Date | null }>(
      `SELECT number, name, language, email, "closedAt" FROM "Client" WHERE id = $1 AND "firmId" = $2 FOR UPDATE`,
      [options.clientId, viewer.firmId],
    );
    const before = found.rows[0];
    if (!before) throw new AppError('not_found', 'no such client', { clientId: options.clientId });
    if (change.closed === true && !before.closedAt) {
      // Matters that create-matter.ts or edit-matter.ts open meanwhile wait on this row (FOR SHARE) and then see it closed.
      const open = await client.query<{ number: string }>(`SELECT number FROM "Matter" WHERE "clientId" = $1 AND status <> 'closed' ORDER BY number`, [options.clientId]);
      if (open.rows.length > 0) {
        const numbers = open.rows.map((row) => row.number);
        throw new AppError('conflict', `close the client's open matter${numbers.length > 1 ? 's' : ''} first: ${numbers.join(', ')}`, { openMatters: numbers });
      }
    }
    if (change.number !== undefined) {
      const taken = await client.query(`SELECT 1 FROM "Client" WHERE "firmId" = $1 AND number = $2 AND id <> $3`, [viewer.firmId, change.number, options.clientId]);
      if (taken.rowCount) throw new AppError('conflict', `another client of the firm has the number ${change.number}`, { field: 'number' });
    }
    const updated = await client.query<ClientSummary>(
      `UPDATE "Client" SET number = COALESCE($2, number), name = COALESCE($3, name),
                           language = CASE WHEN $4 THEN $5 ELSE language END, email = CASE WHEN $6 THEN $7 ELSE email END,
                           "closedAt" = CASE WHEN $8::boolean IS NULL THEN "closedAt" WHEN $8 THEN COALESCE("closedAt", now()) ELSE NULL END
        WHERE id = $1 RETURNING id, number, name, language, email, tags, "createdAt", "closedAt"`,
      [options.clientId, change.number ?? null, change.name ?? null, change.language !== undefined, change.language ?? null, change.email !== undefined, change.email ?? null, change.closed ?? null],
    );
    const after = updated.rows[0]!;
    if (Boolean(before.closedAt) !== Boolean(after.closedAt)) {
      await recordAudit(client, {
        firmId: viewer.firmId,
        actorUserId: viewer.userId,
        actorKind: 'user',
        action: after.closedAt ? 'client.closed' : 'client.reopened',
        subjectType: 'client',
        subjectId: options.clientId,
      });
    }
    const fields = (['number', 'name', 'language', 'email'] as const).filter((f) => before[f] !== after[f]);
    if (fields.length > 0) {
      await recordAudit(client, {
        firmId: viewer.firmId,
        actorUserId: viewer.userId,
        actorKind: 'user',
        // The number's own action name stays what exports and reviews already look for.
        action: fields.length === 1 && fields[0] === 'number' ? 'client.number_changed' : 'client.updated',
        subjectType: 'client',
        subjectId: options.clientId,
        details:
          fields.length === 1 && fields[0] === 'number'
            ? { from: before.number, to: after.number }
            : { from: Object.fromEntries(fields.map((f) => [f, before[f]])), to: Object.fromEntries(fields.map((f) => [f, after[f]])) },
      });
    }
    return after;
  });
}

/**
 * Refuses to open a matter (a new one, or one reopened) for a closed client. FOR SHARE: a close of the client under way
 * (editClient, FOR UPDATE) waits for this transaction, or this for it, so the two cannot interleave.
 */
export async function lockClientOpenForMatters(client: pg.ClientBase, clientId: string, firmId: string, reopening: boolean): Promise<void> {
  const owner = await client.query<{ name: string; closedAt: Date | null }>(`SELECT name, "closedAt" FROM "Client" WHERE id = $1 AND "firmId" = $2 FOR SHARE`, [clientId, firmId]);
  const found = owner.rows[0];
  if (!found) throw new AppError('not_found', 'no such client', { clientId });
  if (found.closedAt) {
    throw new AppError('conflict', `${found.name} is a closed client: reopen the client before ${reopening ? 'the matter' : 'opening a matter'}`, { field: reopening ? 'status' : 'clientId' });
  }
}
