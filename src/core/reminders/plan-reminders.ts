import type pg from 'pg';
import { readFirmSettings } from '../firm-settings.js';
import { insertOutbox } from '../outbox.js';
import type { OutboxJob } from '../ports.js';
import type { Daytime } from './client-daytime.js';
import { placeInDaytime } from './client-daytime.js';
import { reminderJob } from './reminder-job.js';

/** Where a matter's client lives and when the firm lets messages reach them. */
export interface ClientClock {
  timeZone: string;
  daytime: Daytime;
}

/** The client's time zone (the firm's when unknown) and the firm's daytime setting, for the client of a matter. */
export async function clientClockOfMatter(client: pg.ClientBase, matterId: string): Promise<ClientClock> {
  const found = await client.query<{ clientZone: string | null; firmZone: string; settings: unknown }>(
    `SELECT cl."timeZone" AS "clientZone", f."timeZone" AS "firmZone", f.settings
       FROM "Matter" m JOIN "Client" cl ON cl.id = m."clientId" JOIN "Firm" f ON f.id = m."firmId"
      WHERE m.id = $1`,
    [matterId],
  );
  const row = found.rows[0]!;
  const settings = readFirmSettings(row.settings);
  return { timeZone: row.clientZone ?? row.firmZone, daytime: { start: settings.clientDaytimeStart, end: settings.clientDaytimeEnd } };
}

export interface PlanRemindersOptions {
  eventId: string;
  startsAt: Date;
  /** The offsets the event has from now on; reminders of other offsets are cancelled. */
  offsetsMinutes: readonly number[];
  clock: ClientClock;
  now: Date;
}

/**
 * Sets the event's reminders to its time, inside the caller's transaction: each offset's reminder is placed in the
 * client's daytime and scheduled (with a job in the outbox), or skipped with the reason when its time has passed or
 * only falls at night. A reminder already sent is scheduled again only when its new time is still to come (the event
 * moved later); scheduled jobs of the old times are retired. Returns the jobs to queue after commit.
 */
export async function planReminders(client: pg.ClientBase, options: PlanRemindersOptions): Promise<OutboxJob[]> {
  const existing = await client.query<{ id: string; offsetMinutes: number; state: string }>(
    `SELECT id, "offsetMinutes", state FROM "Reminder" WHERE "matterEventId" = $1 FOR UPDATE`,
    [options.eventId],
  );
  const jobs: OutboxJob[] = [];
  const wanted = new Set(options.offsetsMinutes);
  for (const offset of wanted) {
    const due = new Date(options.startsAt.getTime() - offset * 60_000);
    const placement = placeInDaytime({ due, eventAt: options.startsAt, now: options.now, ...options.clock });
    const current = existing.rows.find((row) => row.offsetMinutes === offset);
    if (current?.state === 'sent' && !placement.ok) continue;
    const upserted = await client.query<{ id: string }>(
      `INSERT INTO "Reminder" (id, "matterEventId", "offsetMinutes", state, "sendAt", "skippedReason")
       VALUES (gen_random_uuid()::text, $1, $2, $3, $4, $5)
       ON CONFLICT ("matterEventId", "offsetMinutes")
       DO UPDATE SET state = EXCLUDED.state, "sendAt" = EXCLUDED."sendAt", "skippedReason" = EXCLUDED."skippedReason"
       RETURNING id`,
      [
        options.eventId,
        offset,
        placement.ok ? 'scheduled' : 'skipped',
        placement.ok ? placement.sendAt : due,
        placement.ok ? null : placement.reason,
      ],
    );
    if (placement.ok) jobs.push(reminderJob(upserted.rows[0]!.id, placement.sendAt));
  }
  const dropped = existing.rows.filter((row) => !wanted.has(row.offsetMinutes) && row.state === 'scheduled').map((row) => row.id);
  if (dropped.length > 0) {
    await client.query(`UPDATE "Reminder" SET state = 'cancelled', "skippedReason" = 'removed from the event' WHERE id = ANY($1)`, [dropped]);
  }
  await retireReminderJobs(client, options.eventId, jobs.map((job) => job.jobId));
  await insertOutbox(client, jobs);
  return jobs;
}

/** Marks the event's pending reminder jobs done, except `keep`: their reminders moved, or were cancelled. */
export async function retireReminderJobs(client: pg.ClientBase, eventId: string, keep: readonly string[] = []): Promise<void> {
  await client.query(
    `UPDATE "Outbox" SET status = 'done', "processedAt" = now(), "lastError" = 'superseded: the event moved or was cancelled'
      WHERE "jobName" = 'reminder' AND status = 'pending' AND NOT ("jobId" = ANY($2::text[]))
        AND payload->>'reminderId' IN (SELECT id FROM "Reminder" WHERE "matterEventId" = $1)`,
    [eventId, keep],
  );
}
