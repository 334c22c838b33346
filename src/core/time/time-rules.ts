import type { FirmSettings } from '../firm-settings.js';

export type ActivityKind = 'message_sent' | 'message_read' | 'document_opened' | 'document_sent';

export type TimeSettings = Pick<
  FirmSettings,
  | 'timeSentFloorSeconds'
  | 'timeSentCapSeconds'
  | 'timeReadSecondsPerMessage'
  | 'timeDocumentSeconds'
  | 'timeSessionGapMinutes'
  | 'timeGrouping'
  | 'timeRoundingIncrementHours'
  | 'timeDefaultTaskCode'
>;

/** UTBMS activity code A106, "Communicate (with client)": what messaging a client is. */
export const clientCommunicationCode = 'A106';

/**
 * Who bills a matter's messaging: its members whose role keeps time for clients (lawyers and staff such as
 * paralegals). A supervisor's review, an admin's look, an audit read or an export is never client time.
 */
export const timekeepingRoles: readonly string[] = ['lawyer', 'staff'];

/**
 * The seconds an activity is worth. A sent message counts what the inbox measured, raised to the firm's floor (a
 * one-line answer still took a minute of thought) and held to its cap (a draft left open is not work); without a
 * measurement it counts the floor. Reads and documents count the firm's fixed time.
 */
export function activitySeconds(kind: ActivityKind, settings: TimeSettings, measuredMs?: number | null): number {
  switch (kind) {
    case 'message_sent': {
      const floor = settings.timeSentFloorSeconds;
      const cap = Math.max(settings.timeSentCapSeconds, floor);
      const measured = measuredMs === undefined || measuredMs === null ? 0 : Math.ceil(measuredMs / 1000);
      return Math.min(Math.max(measured, floor), cap);
    }
    case 'message_read':
      return settings.timeReadSecondsPerMessage;
    case 'document_opened':
    case 'document_sent':
      return settings.timeDocumentSeconds;
  }
}

/**
 * Seconds of work as billable tenths of an hour, rounded up to the increment. Called once per entry, on the total of
 * its activities: rounding each activity would bill a burst of ten one-minute replies as a full hour.
 */
export function roundUpToTenths(seconds: number, incrementHours: number): number {
  if (!Number.isInteger(seconds) || seconds < 0) throw new RangeError(`seconds must be a whole number >= 0, not ${seconds}`);
  const incrementTenths = Math.round(incrementHours * 10);
  if (incrementTenths < 1 || Math.abs(incrementHours * 10 - incrementTenths) > 1e-9) {
    throw new RangeError(`the increment must be a multiple of 0.1 h, not ${incrementHours}`);
  }
  // Integer arithmetic only: 0.1 h is 360 s exactly, and floating point would turn 6 minutes into 0.2 h.
  return Math.ceil(seconds / (incrementTenths * 360)) * incrementTenths;
}

/** Tenths as the decimal hours people and LEDES read: 2 -> "0.2", 15 -> "1.5". */
export const formatHours = (tenths: number): string => `${Math.trunc(tenths / 10)}.${Math.abs(tenths % 10)}`;
