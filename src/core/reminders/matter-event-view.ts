import type pg from 'pg';
import { z } from 'zod';

export interface ReminderView {
  id: string;
  offsetMinutes: number;
  /** scheduled | sent | skipped | cancelled */
  state: string;
  /** When it goes (or went, or would have gone), after being held to the client's daytime. */
  sendAt: string;
  /** past | night | no_contact | consent_required | opted_out | blocked | revocation_pending | window_closed | ... */
  skippedReason: string | null;
  messageId: string | null;
}

export interface MatterEventView {
  id: string;
  matterId: string;
  title: string;
  location: string | null;
  startsAt: string;
  cancelled: boolean;
  reminders: ReminderView[];
}

const maxOffsetMinutes = 60 * 24 * 60;

/** Reminder offsets: minutes before the event, e.g. [2880, 120] for 48 hours and 2 hours. */
export const reminderOffsetsSchema = z
  .array(z.number().int().min(5, 'at least 5 minutes before').max(maxOffsetMinutes, 'at most 60 days before'))
  .max(5, 'at most 5 reminders')
  .refine((offsets) => new Set(offsets).size === offsets.length, 'each offset once');

const isoInstant = z.iso.datetime({ offset: true, message: 'an ISO 8601 date and time with its offset, e.g. 2026-03-12T10:00:00-05:00' });

export const createMatterEventSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    startsAt: isoInstant,
    location: z.string().trim().max(300).nullish(),
    reminderOffsetsMinutes: reminderOffsetsSchema.default([2880, 120]),
  })
  .strict();
export type CreateMatterEventInput = z.infer<typeof createMatterEventSchema>;

export const moveMatterEventSchema = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    startsAt: isoInstant.optional(),
    location: z.string().trim().max(300).nullish(),
    reminderOffsetsMinutes: reminderOffsetsSchema.optional(),
  })
  .strict();
export type MoveMatterEventInput = z.infer<typeof moveMatterEventSchema>;

/** Events with their reminders, in the order they happen; one event when eventId is given. */
export async function selectEventViews(client: pg.ClientBase | pg.Pool, where: { matterId: string } | { eventId: string }): Promise<MatterEventView[]> {
  const byEvent = 'eventId' in where;
  const events = await client.query<{ id: string; matterId: string; title: string; location: string | null; startsAt: Date; cancelled: boolean }>(
    `SELECT id, "matterId", title, location, "startsAt", cancelled FROM "MatterEvent"
      WHERE ${byEvent ? 'id' : '"matterId"'} = $1 ORDER BY "startsAt", id`,
    [byEvent ? where.eventId : where.matterId],
  );
  const reminders = await client.query<{ eventId: string; id: string; offsetMinutes: number; state: string; sendAt: Date; skippedReason: string | null; messageId: string | null }>(
    `SELECT "matterEventId" AS "eventId", id, "offsetMinutes", state, "sendAt", "skippedReason", "messageId"
       FROM "Reminder" WHERE "matterEventId" = ANY($1) ORDER BY "offsetMinutes" DESC`,
    [events.rows.map((event) => event.id)],
  );
  return events.rows.map((event) => ({
    id: event.id,
    matterId: event.matterId,
    title: event.title,
    location: event.location,
    startsAt: event.startsAt.toISOString(),
    cancelled: event.cancelled,
    reminders: reminders.rows
      .filter((reminder) => reminder.eventId === event.id)
      .map((reminder) => ({
        id: reminder.id,
        offsetMinutes: reminder.offsetMinutes,
        state: reminder.state,
        sendAt: reminder.sendAt.toISOString(),
        skippedReason: reminder.skippedReason,
        messageId: reminder.messageId,
      })),
  }));
}
