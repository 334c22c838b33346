import type pg from 'pg';
import { canAccessMatter } from '../access/can-access-matter.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';

export interface LegalHoldOptions {
  pool: pg.Pool;
  /** A supervisor: the route checks the role (http/supervision/legal-hold-routes.ts). */
  viewer: Viewer;
  matterId: string;
  reason: string;
}

export interface LegalHoldState {
  matterId: string;
  legalHold: boolean;
  reason: string | null;
  placedById: string | null;
  placedAt: Date | null;
}

/**
 * Puts a matter on legal hold: retention never purges it while the hold stands. The row lock taken here is the one
 * the purge takes before each batch (purge-expired-records.ts), so a purge cannot slip past a hold being placed.
 */
export async function placeLegalHold(options: LegalHoldOptions): Promise<LegalHoldState> {
  const { viewer, matterId, reason } = options;
  if (!(await canAccessMatter(options.pool, viewer, matterId))) throw new AppError('not_found', 'no such matter', { matterId });
  return withTransaction(options.pool, async (client) => {
    const found = await client.query<{ legalHold: boolean }>(`SELECT "legalHold" FROM "Matter" WHERE id = $1 FOR UPDATE`, [matterId]);
    if (!found.rows[0]) throw new AppError('not_found', 'no such matter', { matterId });
    if (found.rows[0].legalHold) throw new AppError('conflict', 'the matter is already on legal hold', { matterId });
    const updated = await client.query<LegalHoldState>(
      `UPDATE "Matter" SET "legalHold" = true, "legalHoldReason" = $2, "legalHoldById" = $3, "legalHoldAt" = now() WHERE id = $1
       RETURNING id AS "matterId", "legalHold", "legalHoldReason" AS reason, "legalHoldById" AS "placedById", "legalHoldAt" AS "placedAt"`,
      [matterId, reason, viewer.userId],
    );
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'matter.legal_hold_placed',
      subjectType: 'matter',
      subjectId: matterId,
      details: { reason },
    });
    return updated.rows[0]!;
  });
}
