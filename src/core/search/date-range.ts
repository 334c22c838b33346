import { DateTime } from 'luxon';
import { AppError } from '../errors.js';

export interface DateRangeInput {
  /** YYYY-MM-DD (the start of that day in the firm's time zone) or an ISO 8601 instant. */
  from?: string;
  /** YYYY-MM-DD (that whole day is included) or an ISO 8601 instant (excluded). */
  to?: string;
}

export interface DateRange {
  from: Date | undefined;
  /** Exclusive. */
  to: Date | undefined;
}

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Turns the dates people type into instants. A bare date is a day of the firm's calendar, not of UTC: "to
 * 2026-03-31" in New York must include that evening's messages.
 */
export function resolveDateRange(input: DateRangeInput, timeZone: string): DateRange {
  const range = { from: instant(input.from, timeZone, 'from'), to: instant(input.to, timeZone, 'to') };
  if (range.from && range.to && range.from >= range.to) {
    throw new AppError('bad_request', 'to: must be after from', { field: 'to' });
  }
  return range;
}

function instant(value: string | undefined, timeZone: string, field: 'from' | 'to'): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = dateOnly.test(value) ? DateTime.fromISO(value, { zone: timeZone }) : DateTime.fromISO(value, { setZone: true });
  if (!parsed.isValid) throw new AppError('bad_request', `${field}: not a date (YYYY-MM-DD) or an ISO 8601 time`, { field });
  const start = dateOnly.test(value) && field === 'to' ? parsed.plus({ days: 1 }).startOf('day') : parsed;
  return start.toJSDate();
}
