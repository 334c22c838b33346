import { createHash } from 'node:crypto';
import type pg from 'pg';
import { newId } from '../new-id.js';

/** Something a provider said to an account that is not a message or receipt (AccountReport in schema.prisma). */
export interface AccountReportInput {
  accountId: string;
  /** provider_error: the provider reported an error; unparsed: a part Matterline could not read, kept raw; unrouted: for a number no account owns. */
  kind: 'provider_error' | 'unparsed' | 'unrouted';
  detail: string;
  raw: unknown;
  at: Date;
}

/**
 * Stores reports for the account's admin. A provider that delivers the same payload again (Meta retries for days)
 * adds nothing: each report is keyed by its kind and content.
 */
export async function recordAccountReports(pool: pg.Pool | pg.ClientBase, reports: AccountReportInput[]): Promise<number> {
  if (reports.length === 0) return 0;
  const rows = reports.map((report) => ({
    id: newId(),
    accountId: report.accountId,
    kind: report.kind,
    detail: report.detail.slice(0, 4000),
    raw: report.raw ?? null,
    at: report.at.toISOString(),
    dedupeKey: createHash('sha256').update(`${report.kind}\n${report.detail}\n${JSON.stringify(report.raw ?? null)}`).digest('hex'),
  }));
  const inserted = await pool.query(
    `INSERT INTO "AccountReport" (id, "firmId", "accountId", kind, detail, raw, "dedupeKey", at)
     SELECT r.id, a."firmId", r."accountId", r.kind, r.detail, r.raw, r."dedupeKey", r.at
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, "accountId" text, kind text, detail text, raw jsonb, "dedupeKey" text, at timestamptz)
       JOIN "ChannelAccount" a ON a.id = r."accountId"
     ON CONFLICT ("accountId", "dedupeKey") DO NOTHING`,
    [JSON.stringify(rows)],
  );
  return inserted.rowCount ?? 0;
}
