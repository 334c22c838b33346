import type pg from 'pg';
import type { ChannelKind } from './build-narrative.js';
import type { ActivityKind } from './time-rules.js';

export interface EntryActivityRow {
  id: string;
  kind: ActivityKind;
  seconds: number;
  occurredAt: Date;
  timeEntryId: string;
  channel: ChannelKind | null;
}

/** The activities of some entries with the channel each happened on (for narratives), oldest first. */
export async function entryActivities(client: pg.ClientBase, entryIds: readonly string[]): Promise<EntryActivityRow[]> {
  const found = await client.query<EntryActivityRow>(
    `SELECT a.id, a.kind, a.seconds, a."occurredAt", a."timeEntryId", acc.kind AS channel
       FROM "Activity" a
       LEFT JOIN "Conversation" c ON c.id = a."conversationId"
       LEFT JOIN "ChannelAccount" acc ON acc.id = c."accountId"
      WHERE a."timeEntryId" = ANY($1::text[])
      ORDER BY a."occurredAt", a.id`,
    [entryIds],
  );
  return found.rows;
}

/** Seconds and first/last instants of some activities. */
export function spanOf(activities: readonly EntryActivityRow[]): { seconds: number; startedAt: Date | null; endedAt: Date | null } {
  return {
    seconds: activities.reduce((sum, activity) => sum + activity.seconds, 0),
    startedAt: activities[0]?.occurredAt ?? null,
    endedAt: activities[activities.length - 1]?.occurredAt ?? null,
  };
}
