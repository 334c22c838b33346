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
    const created = await client.query<ClientSummary>(
      `INSERT INTO "Client" (id, "firmId", name, language, email, notes, tags) VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING id, name, language, email, tags, "createdAt"`,
      [newId(), viewer.firmId, options.name, options.language ?? null, options.email ?? null, options.notes ?? null, options.tags ?? []],
    );
    const row = created.rows[0]!;
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
