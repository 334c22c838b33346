import { z } from 'zod';
import { memoizePure } from './memoize-pure.js';

// A firm's policies, stored as Firm.settings JSON and read through this schema, so a missing key has its default and
// a bad one is refused when saved.
export const firmSettingsSchema = z.object({
  /** Ask a contact who has not opted in for consent automatically (at most once per 24 h), or leave it to a person. */
  consentRequestMode: z.enum(['automatic', 'manual']).default('automatic'),
  /** A lawyer's message while the office is closed: sent now, or held until the next opening. */
  outOfHoursSends: z.enum(['send_now', 'hold']).default('send_now'),
  /** Tell clients who got the after-hours reply, and no lawyer answer since, that the office is open again. */
  backOpenFollowUp: z.boolean().default(false),
  /** Who is told of URGENT/URGENTE messages out of hours. */
  onCallUserId: z.string().nullable().default(null),
  /** How to reach a person, for the HELP reply. */
  helpContact: z.string().max(200).default('the office'),
  /** No after-hours reply when a person answered the conversation this recently. */
  humanAnswerQuietMinutes: z.number().int().min(0).max(240).default(5),
  /** Billable time (core/time): the least a sent message counts for, whatever the inbox measured. */
  timeSentFloorSeconds: z.number().int().min(0).max(3600).default(60),
  /** The most a sent message counts for: a reply left open over lunch is not an hour of work (never below the floor). */
  timeSentCapSeconds: z.number().int().min(60).max(14_400).default(1800),
  /** Reading one client message. */
  timeReadSecondsPerMessage: z.number().int().min(0).max(600).default(20),
  /** A document opened or sent. */
  timeDocumentSeconds: z.number().int().min(0).max(3600).default(120),
  /** One person's activities on one matter no further apart than this are one session. */
  timeSessionGapMinutes: z.number().int().min(1).max(480).default(15),
  /** One draft entry per session, or per person, matter and day in the firm's time zone. */
  timeGrouping: z.enum(['session', 'day']).default('session'),
  /** Drafts are rounded up, once, to this many hours; multiples of a tenth, as entries are kept in tenths. */
  timeRoundingIncrementHours: z.union([z.literal(0.1), z.literal(0.2), z.literal(0.3), z.literal(0.5), z.literal(1)]).default(0.1),
  /** UTBMS task code of drafted entries on matters without their own (Matter.taskCode). */
  timeDefaultTaskCode: z.string().regex(/^[A-Z][A-Z0-9]{1,19}$/, 'a UTBMS code like L120').nullable().default('L120'),
  /** LAW_FIRM_ID in LEDES files (the firm's tax id); unset, the firm's slug. */
  ledesLawFirmId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ./-]{0,19}$/, 'up to 20 letters, digits, spaces and . / -').nullable().default(null),
  /** The reply time the firm promises its clients; the file review report measures first responses against it. */
  promisedReplyMinutes: z.number().int().min(1).max(10_080).default(240),
  /**
   * How long a closed matter's messages and media are kept, counted from the matter's closure; null keeps them for
   * ever. Seven years by default, a common period for client files. Matters on legal hold are never purged.
   */
  retentionDays: z.number().int().min(1).max(36_500).nullable().default(2557),
  /**
   * The client's daytime, in the client's time zone (the firm's when unknown): reminders and notices are sent only
   * between these local times, never at night. A reminder due at night goes out at the end of the evening before.
   */
  clientDaytimeStart: z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM').default('08:00'),
  clientDaytimeEnd: z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM').default('21:00'),
  /**
   * Channels, besides SMS (never secure), on which a lawyer is warned before sending card numbers, SSNs, passport or
   * bank numbers or identity documents (core/channel-rules/sensitive-send.ts).
   */
  insecureChannels: z.array(z.enum(['simulator', 'baileys', 'whatsapp_web', 'signal', 'whatsapp_cloud'])).max(5).default([]),
  /** Such a send over an insecure channel: 'warn' (allowed once the client agreed, kept as evidence) or 'forbid'. */
  sensitiveDataPolicy: z.enum(['warn', 'forbid']).default('warn'),
});
export type FirmSettings = z.infer<typeof firmSettingsSchema>;

/** Reads stored settings; anything unreadable falls back to the defaults rather than stopping the pipeline. */
export function readFirmSettings(stored: unknown): FirmSettings {
  const parsed = firmSettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : firmSettingsSchema.parse({});
}

/**
 * readFirmSettings of the column's text (`settings::text`; null reads as no settings), memoized by that text: the
 * same settings are parsed once, and an edit is seen by the very next read. The value is shared: never mutate it.
 */
export const readFirmSettingsText = memoizePure((text: string): FirmSettings => readFirmSettings(JSON.parse(text)));
