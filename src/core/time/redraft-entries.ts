import type pg from 'pg';
import { newId } from '../new-id.js';
import { buildNarrative } from './build-narrative.js';
import type { ChannelKind } from './build-narrative.js';
import { groupActivities } from './group-activities.js';
import type { ActivityKind, TimeSettings } from './time-rules.js';
import { clientCommunicationCode, roundUpToTenths } from './time-rules.js';

export interface RedraftEntriesOptions {
  firmId: string;
  userId: string;
  matterId: string;
  settings: TimeSettings;
  timeZone: string;
  /**
   * Only rebuild around work from this instant on: untouched drafts that ended before it, and their activities, are
   * left as they are. Keeps the cost of recording an activity independent of how many drafts wait for review, and
   * keeps a change of the firm's settings from rewriting last month's drafts. Absent: everything is rebuilt.
   */
  since?: Date;
  now?: Date;
}

export interface RedraftResult {
  created: string[];
  updated: string[];
  removed: string[];
}

interface FreeActivity {
  id: string;
  kind: ActivityKind;
  seconds: number;
  occurredAt: Date;
  timeEntryId: string | null;
  channel: ChannelKind | null;
}

interface DraftRow {
  id: string;
  date: string;
  tenths: number;
  seconds: number;
  narrative: string;
  taskCode: string | null;
  rateCents: number;
  billable: boolean;
  startedAt: Date | null;
  endedAt: Date | null;
}

/** Matters billed by the hour produce billable time; pro bono, flat fee and contingency matters do not. */
export const isBillableMatter = (billingType: string): boolean => billingType === 'hourly';

/**
 * Rebuilds one person's draft entries on one matter from the activities nobody has reviewed yet: those in no entry
 * and those in drafts no person has touched. Entries a person edited, split, merged, approved, wrote off or exported
 * keep their activities and are never changed here. Each group (session or day, per the firm's setting) becomes one
 * draft, its seconds rounded up once; a draft keeps its id while it still holds the group's first activities, so the
 * inbox does not see entries vanish and reappear as a session grows. Must run inside the caller's transaction, under
 * lockPersonMatter.
 */
export async function redraftEntries(client: pg.ClientBase, options: RedraftEntriesOptions): Promise<RedraftResult> {
  const { firmId, userId, matterId, settings } = options;
  const now = options.now ?? new Date();
  const context = await client.query<{ title: string; billingType: string; taskCode: string | null; rateCents: number }>(
    `SELECT m.title, m."billingType", m."taskCode", u."rateCents"
       FROM "Matter" m, "User" u WHERE m.id = $1 AND m."firmId" = $3 AND u.id = $2 AND u."firmId" = $3`,
    [matterId, userId, firmId],
  );
  const matter = context.rows[0];
  if (!matter) return { created: [], updated: [], removed: [] };

  const untouched = await client.query<DraftRow>(
    `SELECT id, to_char(date, 'YYYY-MM-DD') AS date, tenths, seconds, narrative, "taskCode", "rateCents", billable,
            "startedAt", "endedAt"
       FROM "TimeEntry"
      WHERE "userId" = $1 AND "matterId" = $2 AND state = 'draft' AND "editedAt" IS NULL
        AND ($3::timestamptz IS NULL OR "endedAt" IS NULL OR "endedAt" >= $3::timestamptz)
      ORDER BY "startedAt" NULLS LAST, id
      FOR UPDATE`,
    [userId, matterId, options.since ?? null],
  );
  const drafts = new Map(untouched.rows.map((row) => [row.id, row]));
  const free = await client.query<FreeActivity>(
    `SELECT a.id, a.kind, a.seconds, a."occurredAt", a."timeEntryId", acc.kind AS channel
       FROM "Activity" a
       LEFT JOIN "Conversation" c ON c.id = a."conversationId"
       LEFT JOIN "ChannelAccount" acc ON acc.id = c."accountId"
      WHERE a."userId" = $1 AND a."matterId" = $2
        AND ((a."timeEntryId" IS NULL AND ($4::timestamptz IS NULL OR a."occurredAt" >= $4::timestamptz))
             OR a."timeEntryId" = ANY($3::text[]))`,
    [userId, matterId, [...drafts.keys()], options.since ?? null],
  );

  const groups = groupActivities(free.rows, {
    gapMinutes: settings.timeSessionGapMinutes,
    grouping: settings.timeGrouping,
    timeZone: options.timeZone,
  });
  const result: RedraftResult = { created: [], updated: [], removed: [] };
  const kept = new Set<string>();
  const unassigned: string[] = [];
  for (const group of groups) {
    const tenths = roundUpToTenths(group.seconds, settings.timeRoundingIncrementHours);
    const ids = group.activities.map((activity) => activity.id);
    if (tenths === 0) {
      // Nothing to bill (the firm counts these activities as 0 s); they wait, free, for the next session.
      unassigned.push(...ids);
      continue;
    }
    const wanted = {
      date: group.date,
      tenths,
      seconds: group.seconds,
      narrative: buildNarrative(matter.title, group.activities),
      taskCode: matter.taskCode ?? settings.timeDefaultTaskCode,
      rateCents: matter.rateCents,
      billable: isBillableMatter(matter.billingType),
      startedAt: group.startedAt,
      endedAt: group.endedAt,
    };
    const reuse = group.activities.map((activity) => activity.timeEntryId).find((id) => id !== null && drafts.has(id) && !kept.has(id));
    let entryId: string;
    if (reuse) {
      entryId = reuse;
      kept.add(reuse);
      if (!sameDraft(drafts.get(reuse)!, wanted)) {
        await client.query(
          `UPDATE "TimeEntry" SET date = $2::date, tenths = $3, seconds = $4, narrative = $5, "taskCode" = $6, "rateCents" = $7,
                  billable = $8, "startedAt" = $9, "endedAt" = $10, "updatedAt" = $11
            WHERE id = $1`,
          [reuse, wanted.date, wanted.tenths, wanted.seconds, wanted.narrative, wanted.taskCode, wanted.rateCents, wanted.billable,
            wanted.startedAt, wanted.endedAt, now],
        );
        result.updated.push(reuse);
      }
    } else {
      entryId = newId();
      await client.query(
        `INSERT INTO "TimeEntry" (id, "firmId", "userId", "matterId", date, tenths, seconds, "activityCode", "taskCode", narrative,
                                  "rateCents", billable, "startedAt", "endedAt", "createdAt", "updatedAt")
         VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)`,
        [entryId, firmId, userId, matterId, wanted.date, wanted.tenths, wanted.seconds, clientCommunicationCode, wanted.taskCode,
          wanted.narrative, wanted.rateCents, wanted.billable, wanted.startedAt, wanted.endedAt, now],
      );
      result.created.push(entryId);
    }
    await client.query(`UPDATE "Activity" SET "timeEntryId" = $1 WHERE id = ANY($2::text[]) AND "timeEntryId" IS DISTINCT FROM $1`, [entryId, ids]);
  }
  if (unassigned.length > 0) await client.query(`UPDATE "Activity" SET "timeEntryId" = NULL WHERE id = ANY($1::text[])`, [unassigned]);
  const orphans = [...drafts.keys()].filter((id) => !kept.has(id));
  if (orphans.length > 0) {
    await client.query(`UPDATE "Activity" SET "timeEntryId" = NULL WHERE "timeEntryId" = ANY($1::text[])`, [orphans]);
    await client.query(`DELETE FROM "TimeEntry" WHERE id = ANY($1::text[])`, [orphans]);
    result.removed.push(...orphans);
  }
  return result;
}

function sameDraft(row: DraftRow, wanted: Omit<DraftRow, 'id'>): boolean {
  return (
    row.date === wanted.date &&
    row.tenths === wanted.tenths &&
    row.seconds === wanted.seconds &&
    row.narrative === wanted.narrative &&
    row.taskCode === wanted.taskCode &&
    row.rateCents === wanted.rateCents &&
    row.billable === wanted.billable &&
    row.startedAt?.getTime() === wanted.startedAt?.getTime() &&
    row.endedAt?.getTime() === wanted.endedAt?.getTime()
  );
}
