import type pg from 'pg';
import { readFirmSettings } from '../firm-settings.js';
import type { PurgedMatter } from './purge-matter-messages.js';
import { purgeMatterMessages } from './purge-matter-messages.js';

export interface PurgeExpiredRecordsOptions {
  pool: pg.Pool;
  now?: Date;
  batchSize?: number;
}

export interface RetentionRun {
  matters: (PurgedMatter & { number: string })[];
  messages: number;
  attachments: number;
  /** Provider reports past the retention period, deleted. */
  accountReports: number;
}

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Applies every firm's retention period (Firm.settings.retentionDays, from matter closure): the messages and media of
 * a matter closed longer ago than that, and themselves older than that, are purged, unless the matter is on legal
 * hold. Safe to run twice at once: each batch locks its matter and deletes only what it read under that lock.
 */
export async function purgeExpiredRecords(options: PurgeExpiredRecordsOptions): Promise<RetentionRun> {
  const now = options.now ?? new Date();
  const run: RetentionRun = { matters: [], messages: 0, attachments: 0, accountReports: 0 };
  const firms = await options.pool.query<{ id: string; settings: unknown }>(`SELECT id, settings FROM "Firm" ORDER BY id`);
  for (const firm of firms.rows) {
    const { retentionDays } = readFirmSettings(firm.settings);
    if (retentionDays === null) continue;
    const cutoff = new Date(now.getTime() - retentionDays * dayMs);
    // What providers reported to the firm's accounts (AccountReport) may hold a client's words kept raw: it belongs to
    // no matter and is kept for the retention period from its arrival, never longer.
    run.accountReports += (await options.pool.query(`DELETE FROM "AccountReport" WHERE "firmId" = $1 AND "createdAt" <= $2`, [firm.id, cutoff])).rowCount ?? 0;
    const due = await options.pool.query<{ id: string; number: string }>(
      `SELECT mt.id, mt.number FROM "Matter" mt
        WHERE mt."firmId" = $1 AND mt.status = 'closed' AND mt."closedAt" <= $2 AND NOT mt."legalHold"
          AND EXISTS (SELECT 1 FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
                       WHERE c."matterId" = mt.id AND m."capturedAt" <= $2)
        ORDER BY mt."closedAt", mt.id`,
      [firm.id, cutoff],
    );
    for (const matter of due.rows) {
      const purged = await purgeMatterMessages({ pool: options.pool, matterId: matter.id, cutoff, retentionDays, ...(options.batchSize ? { batchSize: options.batchSize } : {}) });
      if (purged.messages === 0) continue;
      run.matters.push({ ...purged, number: matter.number });
      run.messages += purged.messages;
      run.attachments += purged.attachments;
    }
  }
  return run;
}
