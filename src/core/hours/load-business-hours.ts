import type pg from 'pg';
import type { BusinessHoursSpec } from './business-hours.js';
import { businessHoursSpecSchema } from './business-hours.js';

/**
 * The office hours that apply to a channel account: its own when it has them, else the firm's; null when the firm
 * has set none (then the office counts as always open and nothing is held or auto-answered).
 */
export async function loadBusinessHours(
  client: pg.ClientBase | pg.Pool,
  firmId: string,
  accountId: string,
): Promise<BusinessHoursSpec | null> {
  const found = await client.query<{ timeZone: string; weekly: unknown; closures: unknown }>(
    `SELECT "timeZone", weekly, closures FROM "BusinessHours"
      WHERE "firmId" = $1 AND ("accountId" = $2 OR "accountId" IS NULL)
      ORDER BY ("accountId" IS NULL) LIMIT 1`,
    [firmId, accountId],
  );
  const row = found.rows[0];
  if (!row) return null;
  const parsed = businessHoursSpecSchema.safeParse({ timeZone: row.timeZone, weekly: row.weekly, closures: row.closures });
  // Hours are validated when saved; a row that no longer parses (edited by hand) must not stop capture.
  return parsed.success ? parsed.data : null;
}
