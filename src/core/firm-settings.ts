import { z } from 'zod';

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
});
export type FirmSettings = z.infer<typeof firmSettingsSchema>;

/** Reads stored settings; anything unreadable falls back to the defaults rather than stopping the pipeline. */
export function readFirmSettings(stored: unknown): FirmSettings {
  const parsed = firmSettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : firmSettingsSchema.parse({});
}
