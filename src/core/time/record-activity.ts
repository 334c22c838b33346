import type pg from 'pg';
import { visibleConversationFilter } from '../access/access-policy.js';
import type { Viewer } from '../access/viewer.js';
import { recordAudit } from '../audit/record-audit.js';
import { readFirmSettings } from '../firm-settings.js';
import { newId } from '../new-id.js';
import { withTransaction } from '../transaction.js';
import { redraftEntries } from './redraft-entries.js';
import type { RedraftResult } from './redraft-entries.js';
import { lockPersonMatter } from './time-lock.js';
import type { ActivityKind } from './time-rules.js';
import { activitySeconds, timekeepingRoles } from './time-rules.js';

/** What the inbox saw the person do, with the evidence it has. */
export type ActivityEvidence =
  /** A message the person sent; compositionMs is the inbox's first-keystroke-to-send measurement, if it took one. */
  | { kind: 'sent'; messageId: string; compositionMs?: number | null }
  /**
   * The person is marking the conversation read. Called before the read mark moves: the client's messages after the
   * person's current mark, up to the newest, are read now. Recording first means a failure leaves them unread, and
   * the retry records them.
   */
  | { kind: 'read' }
  /** The person opened a message's document (an attachment download). */
  | { kind: 'opened'; messageId: string };

export interface RecordActivityOptions {
  pool: pg.Pool;
  viewer: Viewer;
  conversationId: string;
  evidence: ActivityEvidence;
  now?: Date;
}

export interface RecordedActivity {
  /** The activities this call added (none when the conversation has no matter, or on a repeat). */
  activityIds: string[];
  entries: RedraftResult;
}

interface NewActivity {
  kind: ActivityKind;
  messageId: string;
  measuredMs: number | null;
  occurredAt: Date;
}

const nothing: RecordedActivity = { activityIds: [], entries: { created: [], updated: [], removed: [] } };

// Reactions, edits and deletions are not messages a person reads as work.
const notReadAsWork = ['reaction', 'edit', 'deletion'];

/**
 * Turns a person's action in a matter's conversation into activities with their evidence (the message each one is
 * about), then redrafts that person's entries on the matter. Idempotent: an activity is unique per person, message
 * and kind, so a retried send or a second read mark adds nothing. A conversation not yet filed under a matter has no
 * one to bill and records nothing. Only conversations the viewer may see (access-policy) count, and only the matter's
 * own timekeepers (members in a timekeeping role) record time: a supervisor's or admin's reading drafts nothing.
 */
export async function recordActivity(options: RecordActivityOptions): Promise<RecordedActivity> {
  const { viewer, conversationId, evidence } = options;
  const now = options.now ?? new Date();
  // Only the matter's own timekeepers bill it: anyone else reading the thread (a supervisor, an admin) drafts nothing.
  if (!timekeepingRoles.includes(viewer.role)) return nothing;
  return withTransaction(options.pool, async (client) => {
    const visible = visibleConversationFilter(viewer, 'c', 2);
    const found = await client.query<{ matterId: string | null; settings: unknown; timeZone: string; member: boolean }>(
      `SELECT c."matterId", f.settings, f."timeZone",
              EXISTS (SELECT 1 FROM "MatterMember" mm WHERE mm."matterId" = c."matterId" AND mm."userId" = $${2 + visible.params.length}) AS member
         FROM "Conversation" c JOIN "Firm" f ON f.id = c."firmId"
        WHERE c.id = $1 AND ${visible.sql}`,
      [conversationId, ...visible.params, viewer.userId],
    );
    const conversation = found.rows[0];
    if (!conversation?.matterId || !conversation.member) return nothing;
    const matterId = conversation.matterId;
    const settings = readFirmSettings(conversation.settings);
    await lockPersonMatter(client, viewer.userId, matterId);

    const wanted =
      evidence.kind === 'sent'
        ? await sentActivities(client, viewer, conversationId, evidence)
        : evidence.kind === 'read'
          ? await readActivities(client, viewer, conversationId, now)
          : await openedActivities(client, conversationId, evidence.messageId, now);
    const activityIds: string[] = [];
    let earliest = now.getTime();
    for (const activity of wanted) {
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO "Activity" (id, "firmId", "userId", "matterId", "conversationId", "messageId", kind, seconds, "measuredMs", "occurredAt")
         VALUES ($1, $2, $3, $4, $5, $6, $7::"ActivityKind", $8, $9, $10)
         ON CONFLICT ("userId", "messageId", kind) DO NOTHING RETURNING id`,
        [newId(), viewer.firmId, viewer.userId, matterId, conversationId, activity.messageId, activity.kind,
          activitySeconds(activity.kind, settings, activity.measuredMs), activity.measuredMs, activity.occurredAt],
      );
      if (inserted.rows[0]) {
        activityIds.push(inserted.rows[0].id);
        earliest = Math.min(earliest, activity.occurredAt.getTime());
      }
    }
    if (activityIds.length === 0) return nothing;
    // New work can only join sessions that reach to within the gap of it, or (by day) drafts of the same day.
    const since = new Date(earliest - settings.timeSessionGapMinutes * 60_000 - 24 * 3_600_000);
    const entries = await redraftEntries(client, {
      firmId: viewer.firmId,
      userId: viewer.userId,
      matterId,
      settings,
      timeZone: conversation.timeZone,
      since,
      now,
    });
    await recordAudit(client, {
      firmId: viewer.firmId,
      actorUserId: viewer.userId,
      actorKind: 'user',
      action: 'time.activity_recorded',
      subjectType: 'conversation',
      subjectId: conversationId,
      details: { matterId, evidence: evidence.kind, activityIds, entries },
    });
    return { activityIds, entries };
  });
}

async function sentActivities(
  client: pg.ClientBase,
  viewer: Viewer,
  conversationId: string,
  evidence: Extract<ActivityEvidence, { kind: 'sent' }>,
): Promise<NewActivity[]> {
  // Only the person's own message in this conversation: nobody bills for a colleague's reply.
  const found = await client.query<{ id: string; capturedAt: Date; isDocument: boolean }>(
    `SELECT m.id, m."capturedAt", (m.kind = 'document' OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."messageId" = m.id)) AS "isDocument"
       FROM "Message" m
      WHERE m.id = $1 AND m."conversationId" = $2 AND m.direction = 'outbound' AND m."authorUserId" = $3`,
    [evidence.messageId, conversationId, viewer.userId],
  );
  const message = found.rows[0];
  if (!message) return [];
  const measuredMs = evidence.compositionMs ?? null;
  const activities: NewActivity[] = [{ kind: 'message_sent', messageId: message.id, measuredMs, occurredAt: message.capturedAt }];
  if (message.isDocument) activities.push({ kind: 'document_sent', messageId: message.id, measuredMs: null, occurredAt: message.capturedAt });
  return activities;
}

async function readActivities(client: pg.ClientBase, viewer: Viewer, conversationId: string, now: Date): Promise<NewActivity[]> {
  // The messages unread for this person by the inbox's own definition (inbound, captured after their read mark, not
  // history-sync backfill). The reading happens now, not when they arrived.
  const found = await client.query<{ id: string; kind: string }>(
    `SELECT m.id, m.kind FROM "Message" m
      WHERE m."conversationId" = $1 AND m.direction = 'inbound' AND NOT m.backfilled
        AND m."capturedAt" > COALESCE((SELECT r."lastReadAt" FROM "ConversationRead" r WHERE r."conversationId" = $1 AND r."userId" = $2),
                                      '-infinity'::timestamptz)
        AND m.kind <> ALL($3::"MessageKind"[])
      ORDER BY m."capturedAt", m.id`,
    [conversationId, viewer.userId, notReadAsWork],
  );
  return found.rows.map((message) => ({
    kind: message.kind === 'document' ? 'document_opened' : 'message_read',
    messageId: message.id,
    measuredMs: null,
    occurredAt: now,
  }));
}

async function openedActivities(client: pg.ClientBase, conversationId: string, messageId: string, now: Date): Promise<NewActivity[]> {
  // Once per person and document: opening the same file again is not more review to bill (the unique key decides).
  const found = await client.query<{ id: string }>(
    `SELECT m.id FROM "Message" m
      WHERE m.id = $1 AND m."conversationId" = $2
        AND (m.kind = 'document' OR EXISTS (SELECT 1 FROM "Attachment" a WHERE a."messageId" = m.id))`,
    [messageId, conversationId],
  );
  return found.rows.map((message) => ({ kind: 'document_opened', messageId: message.id, measuredMs: null, occurredAt: now }));
}
