import type pg from 'pg';
import { intakeMatterFilter, may } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import { lockClientOpenForMatters } from './create-client.js';

export interface MatterChange {
  title?: string;
  practiceArea?: string | null;
  billingType?: 'hourly' | 'flat_fee' | 'contingency' | 'pro_bono';
  /** Closing starts the retention clock (closedAt); reopening stops it. */
  status?: 'open' | 'closed';
}

export interface MatterView {
  id: string;
  number: string;
  title: string;
  practiceArea: string | null;
  billingType: string;
  status: string;
  clientId: string;
  openedAt: Date;
  closedAt: Date | null;
}

/** Intake edits a matter of the firm that no wall keeps them from; audited with the values before and after. */
export async function editMatter(pool: pg.Pool, viewer: Viewer, matterId: string, change: MatterChange): Promise<MatterView> {
  if (!may(viewer, 'managesIntake')) throw new AppError('forbidden', 'only staff and admins change matters');
  return withTransaction(pool, async (client) => {
    const open = intakeMatterFilter(viewer, 'm', 2);
    const found = await client.query<MatterView>(
      `SELECT m.id, m.number, m.title, m."practiceArea", m."billingType"::text AS "billingType", m.status::text AS status, m."clientId", m."openedAt", m."closedAt"
         FROM "Matter" m WHERE m.id = $1 AND ${open.sql} FOR NO KEY UPDATE`,
      [matterId, ...open.params],
    );
    const before = found.rows[0];
    if (!before) throw new AppError('not_found', 'no such matter', { matterId });
    if (change.status === 'open' && before.status === 'closed') await lockClientOpenForMatters(client, before.clientId, viewer.firmId, true);
    const updated = await client.query<MatterView>(
      `UPDATE "Matter" SET title = COALESCE($2, title),
                           "practiceArea" = CASE WHEN $3 THEN $4 ELSE "practiceArea" END,
                           "billingType" = COALESCE($5::"BillingType", "billingType"),
                           status = COALESCE($6::"MatterStatus", status),
                           "closedAt" = CASE WHEN $6 = 'closed' AND status <> 'closed' THEN now() WHEN $6 = 'open' THEN NULL ELSE "closedAt" END
        WHERE id = $1
        RETURNING id, number, title, "practiceArea", "billingType"::text AS "billingType", status::text AS status, "clientId", "openedAt", "closedAt"`,
      [matterId, change.title ?? null, change.practiceArea !== undefined, change.practiceArea ?? null, change.billingType ?? null, change.status ?? null],
    );
    const after = updated.rows[0]!;
    const fields = ['title', 'practiceArea', 'billingType', 'status'] as const;
    const changed = fields.filter((field) => before[field] !== after[field]);
    if (changed.length > 0) {
      await recordAudit(client, {
        firmId: viewer.firmId,
        actorUserId: viewer.userId,
        actorKind: 'user',
        action: change.status && before.status !== after.status ? `matter.${after.status === 'closed' ? 'closed' : 'reopened'}` : 'matter.updated',
        subjectType: 'matter',
        subjectId: matterId,
        details: { from: Object.fromEntries(changed.map((f) => [f, before[f]])), to: Object.fromEntries(changed.map((f) => [f, after[f]])) },
      });
    }
    return after;
  });
}
