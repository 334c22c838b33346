import type pg from 'pg';
import { memoizePure } from '../memoize-pure.js';
import type { BusinessHoursSpec } from './business-hours.js';
import { businessHoursSpecSchema } from './business-hours.js';

/** A BusinessHours row as read for parsing: the JSON columns as their text (`weekly::text`, `closures::text`). */
export interface BusinessHoursText {
  timeZone: string;
  weekly: string;
  closures: string;
}

// PostgreSQL text never holds a NUL, so it separates the three columns unambiguously.
const SEPARATOR = '\u0000';

const parseHours = memoizePure((key: string): BusinessHoursSpec | null => {
  const [timeZone, weekly = 'null', closures = 'null'] = key.split(SEPARATOR);
  const parsed = businessHoursSpecSchema.safeParse({ timeZone, weekly: JSON.parse(weekly), closures: JSON.parse(closures) });
  // Hours are validated when saved; a row that no longer parses (edited by hand) must not stop capture.
  return parsed.success ? parsed.data : null;
});

/**
 * The spec a row holds, or null when it no longer parses. Rows with the same content share one spec object (and so
 * one compiled schedule): the stored text is the cache key, so an edit is seen by the very next read.
 */
export function readBusinessHours(row: BusinessHoursText): BusinessHoursSpec | null {
  return parseHours([row.timeZone, row.weekly, row.closures].join(SEPARATOR));
}

/**
 * The office hours that apply to a channel account: its own when it has them, else the firm's; null when the firm
 * has set none (then the office counts as always open and nothing is held or auto-answered).
 */
export async function loadBusinessHours(
  client: pg.ClientBase | pg.Pool,
  firmId: string,
  accountId: string,
): Promise<BusinessHoursSpec | null> {
  const found = await client.query<BusinessHoursText>(
    `SELECT "timeZone", weekly::text AS weekly, closures::text AS closures FROM "BusinessHours"
      WHERE "firmId" = $1 AND ("accountId" = $2 OR "accountId" IS NULL)
      ORDER BY ("accountId" IS NULL) LIMIT 1`,
    [firmId, accountId],
  );
  const row = found.rows[0];
  return row ? readBusinessHours(row) : null;
}
