import type pg from 'pg';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import type { BusinessHoursSpec } from '../hours/business-hours.js';
import { businessHoursSpecSchema } from '../hours/business-hours.js';
import { withTransaction } from '../transaction.js';
import { firmBySlug } from './firm-by-slug.js';

/** Office hours from the operator's command: the firm's, or one account's own. Validated like the admin API's. */
export async function saveFirmHours(pool: pg.Pool, options: { firm: string; accountId?: string; input: unknown }): Promise<BusinessHoursSpec> {
  const parsed = businessHoursSpecSchema.safeParse(options.input);
  if (!parsed.success) {
    throw new AppError('bad_request', parsed.error.issues.map((i) => `${i.path.join('.') || 'hours'}: ${i.message}`).join('; '));
  }
  const spec = parsed.data;
  return withTransaction(pool, async (client) => {
    const firm = await firmBySlug(client, options.firm);
    if (options.accountId) {
      const account = await client.query(`SELECT 1 FROM "ChannelAccount" WHERE id = $1 AND "firmId" = $2`, [options.accountId, firm.id]);
      if (account.rowCount === 0) throw new AppError('not_found', `no channel account ${options.accountId} in this firm`);
    }
    const values = [firm.id, options.accountId ?? null, spec.timeZone, JSON.stringify(spec.weekly), JSON.stringify(spec.closures)];
    const updated = await client.query(
      `UPDATE "BusinessHours" SET "timeZone" = $3, weekly = $4, closures = $5, "updatedAt" = now()
        WHERE "firmId" = $1 AND "accountId" IS NOT DISTINCT FROM $2`,
      values,
    );
    if (updated.rowCount === 0) {
      await client.query(
        `INSERT INTO "BusinessHours" (id, "firmId", "accountId", "timeZone", weekly, closures, "updatedAt") VALUES (gen_random_uuid()::text, $1, $2, $3, $4, $5, now())`,
        values,
      );
    }
    await recordAudit(client, { firmId: firm.id, actorKind: 'cli', action: 'business_hours.saved', subjectType: 'firm', subjectId: firm.id, details: { accountId: options.accountId ?? null } });
    return spec;
  });
}
