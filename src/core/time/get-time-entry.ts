import type pg from 'pg';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { AppError } from '../errors.js';
import type { TimeEntryRow, TimeEntryView } from './time-entry-view.js';
import { timeEntryColumns, timeEntryFrom, toTimeEntryView } from './time-entry-view.js';
import type { ActivityKind } from './time-rules.js';
import { visibleEntryFilter } from './time-policy.js';

/** An activity of an entry with the message that evidences it. */
export interface EntryActivity {
  id: string;
  kind: ActivityKind;
  seconds: number;
  /** What the inbox measured (composition time), before the firm's floor and cap. */
  measuredMs: number | null;
  occurredAt: Date;
  conversationId: string | null;
  message: { id: string; direction: 'inbound' | 'outbound'; kind: string; capturedAt: Date } | null;
}

export type TimeEntryDetail = TimeEntryView & { activities: EntryActivity[] };

interface ActivityRow {
  id: string;
  kind: ActivityKind;
  seconds: number;
  measuredMs: number | null;
  occurredAt: Date;
  conversationId: string | null;
  messageId: string | null;
  direction: 'inbound' | 'outbound' | null;
  messageKind: string | null;
  capturedAt: Date | null;
}

/** One entry with its activities and the messages behind them: the evidence for the time on the bill. Audited. */
export async function getTimeEntry(pool: pg.Pool, viewer: Viewer, entryId: string): Promise<TimeEntryDetail> {
  const visible = visibleEntryFilter(viewer, 'e', 'm', 2);
  const found = await pool.query<TimeEntryRow>(`SELECT ${timeEntryColumns} FROM ${timeEntryFrom} WHERE e.id = $1 AND ${visible.sql}`, [
    entryId,
    ...visible.params,
  ]);
  const row = found.rows[0];
  if (!row) throw new AppError('not_found', 'no such time entry', { entryId });
  const activities = await pool.query<ActivityRow>(
    `SELECT a.id, a.kind, a.seconds, a."measuredMs", a."occurredAt", a."conversationId", a."messageId",
            msg.direction, msg.kind AS "messageKind", msg."capturedAt"
       FROM "Activity" a LEFT JOIN "Message" msg ON msg.id = a."messageId" AND msg."firmId" = a."firmId"
      WHERE a."timeEntryId" = $1
      ORDER BY a."occurredAt", a.id`,
    [entryId],
  );
  await recordAudit(pool, {
    firmId: viewer.firmId,
    actorUserId: viewer.userId,
    actorKind: 'user',
    action: 'time.entry_read',
    subjectType: 'time_entry',
    subjectId: entryId,
  });
  return {
    ...toTimeEntryView(row),
    activities: activities.rows.map((activity) => ({
      id: activity.id,
      kind: activity.kind,
      seconds: activity.seconds,
      measuredMs: activity.measuredMs,
      occurredAt: activity.occurredAt,
      conversationId: activity.conversationId,
      message:
        activity.messageId && activity.direction && activity.messageKind && activity.capturedAt
          ? { id: activity.messageId, direction: activity.direction, kind: activity.messageKind, capturedAt: activity.capturedAt }
          : null,
    })),
  };
}
