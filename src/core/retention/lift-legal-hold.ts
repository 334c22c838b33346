import { canAccessMatter } from '../access/can-access-matter.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import { withTransaction } from '../transaction.js';
import type { LegalHoldOptions, LegalHoldState } from './place-legal-hold.js';

/** Lifts a matter's legal hold, with a reason; the audit event keeps the hold's own reason and who placed it. */
export async function liftLegalHold(options: LegalHoldOptions): Promise<LegalHoldState> {
  const { viewer, matterId, reason } = options;
  if (!(await canAccessMatter(options.pool, viewer, matterId))) throw new AppError('not_found', 'no such matter', { matterId });
  return withTransaction(options.pool, async (client) => {
    const found = await client.query<{ legalHold: boolean; legalHoldReason: string | null; legalHoldById: string | null; legalHoldAt: Date | null }>(
      `SELECT "legalHold", "legalHoldReason", "legalHoldById", "legalHoldAt" FROM "Matter" WHERE id = $1 FOR UPDATE`,
      [matterId],
    );
    const hold = found.rows[0];
    if (!hold) throw new AppError('not_found', 'no such matter', { matterId });
    if (!hold.legalHold) throw new AppError('conflict', 'the matter is not on legal hold', { matterId });
    await client.query(
      `UPDATE "Matter" SET "legalHold" = false, "legalHoldReason" = NULL, "legalHoldById" = NULL, "legalHoldAt" = NULL WHERE id = $1`,
      [matterId],
    );
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'matter.legal_hold_lifted',
      subjectType: 'matter',
      subjectId: matterId,
      details: { reason, hold: { reason: hold.legalHoldReason, placedById: hold.legalHoldById, placedAt: hold.legalHoldAt?.toISOString() ?? null } },
    });
    return { matterId, legalHold: false, reason: null, placedById: null, placedAt: null };
  });
}
