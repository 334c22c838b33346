import type pg from 'pg';
import { may } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { newId } from '../new-id.js';
import { withTransaction } from '../transaction.js';
import { lockClientOpenForMatters } from './create-client.js';

export interface CreateMatterOptions {
  pool: pg.Pool;
  viewer: Viewer;
  clientId: string;
  number: string;
  title: string;
  practiceArea?: string;
  billingType?: 'hourly' | 'flat_fee' | 'contingency' | 'pro_bono';
  members?: { userId: string; role: 'responsible' | 'member' }[];
}

/**
 * Intake: a new matter for a client of the viewer's firm, with its team (users of the same firm only). The number is
 * unique within the firm (409 when taken).
 */
export async function createMatter(options: CreateMatterOptions): Promise<{ id: string; number: string }> {
  const { viewer } = options;
  if (!may(viewer, 'managesIntake')) throw new AppError('forbidden', 'only staff and admins create matters');
  return withTransaction(options.pool, async (client) => {
    await lockClientOpenForMatters(client, options.clientId, viewer.firmId, false);
    const members = options.members ?? [];
    const memberIds = [...new Set(members.map((member) => member.userId))];
    if (memberIds.length !== members.length) throw new AppError('bad_request', 'members: a user is listed twice', { field: 'members' });
    if (memberIds.length > 0) {
      const known = await client.query(`SELECT id FROM "User" WHERE id = ANY($1::text[]) AND "firmId" = $2`, [memberIds, viewer.firmId]);
      if (known.rowCount !== memberIds.length) throw new AppError('bad_request', 'members: not all are users of this firm', { field: 'members' });
    }
    const id = newId();
    const inserted = await client.query(
      `INSERT INTO "Matter" (id, "firmId", "clientId", number, title, "practiceArea", "billingType")
       VALUES ($1, $2, $3, $4, $5, $6, $7::"BillingType") ON CONFLICT ("firmId", number) DO NOTHING`,
      [id, viewer.firmId, options.clientId, options.number, options.title, options.practiceArea ?? null, options.billingType ?? 'hourly'],
    );
    if (inserted.rowCount !== 1) throw new AppError('conflict', 'a matter with this number already exists', { field: 'number' });
    for (const member of members) {
      await client.query(`INSERT INTO "MatterMember" ("matterId", "userId", role) VALUES ($1, $2, $3)`, [id, member.userId, member.role]);
    }
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'matter.created',
      subjectType: 'matter',
      subjectId: id,
      details: { number: options.number, clientId: options.clientId, members },
    });
    return { id, number: options.number };
  });
}
