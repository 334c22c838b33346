import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import type { TemplateLanguage } from '../templates/template-kinds.js';

/*
 * Office hours are wall-clock intervals in the firm's zone: an instant is open when the firm's clock then reads a
 * time inside one of that local day's [start, end) intervals and the local date is not a closure. Across DST
 * changes this means what the firm means:
 * - spring forward: a local time that never exists is never open (02:00-03:00 on 2026-03-08 in New York is closed
 *   all day, and 01:30-02:30 closes at 03:00 EDT when the clock jumps out of it);
 * - fall back: the repeated hour is open both times the clock reads it (00:30-01:30 on 2026-11-01 in New York is
 *   open 00:30-01:30 EDT and again 01:00-01:30 EST).
 * Openness can therefore only begin where the clock reaches an interval start or jumps (an offset change), and only
 * end where it reaches an interval end or jumps; nextOpening and currentClosedPeriodStart search those instants.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// UTC offsets run from -12:00 to +14:00, so a wall time on a day lies within these bounds of that day as UTC.
const MAX_OFFSET_AHEAD = 14 * HOUR;
const MAX_OFFSET_BEHIND = 12 * HOUR;
const SEARCH_DAYS = 400;

const TIME_OF_DAY = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

function minutesOf(time: string): number {
  const [hours = '0', minutes = '0'] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
}

/*
 * tzdb still carries legacy names such as "EST" or "CET" that are fixed offsets without DST or alias one city
 * arbitrarily; a firm that picked "EST" would open an hour late all summer. Only Area/Location names and UTC pass.
 */
function isUsableTimeZone(name: string): boolean {
  // IANAZone.create keeps one zone per name and validates it once; isValidZone would build an Intl.DateTimeFormat
  // on every call, which the worker did for every message it processed.
  return (name === 'UTC' || /^[A-Za-z]+\/[A-Za-z0-9_+\-/]+$/.test(name)) && IANAZone.create(name).isValid;
}

export const isoWeekdaySchema = z.enum(['1', '2', '3', '4', '5', '6', '7']);
export type IsoWeekday = z.infer<typeof isoWeekdaySchema>;

const timeOfDaySchema = z.string().regex(TIME_OF_DAY, 'expected a time HH:MM from 00:00 to 23:59');

/** One opening on a day: [start, end), "HH:MM"; the end may be "24:00" (open until midnight). */
export const openIntervalSchema = z
  .tuple([timeOfDaySchema, z.union([timeOfDaySchema, z.literal('24:00')])])
  .refine(([start, end]) => minutesOf(start) < minutesOf(end), { message: 'an interval must start before it ends' });
export type OpenInterval = z.infer<typeof openIntervalSchema>;

/** The openings of one weekday, in any order; they may touch (12:00 ends one, starts the next) but not overlap. */
export const dayScheduleSchema = z.array(openIntervalSchema).superRefine((intervals, ctx) => {
  const sorted = intervals
    .map(([start, end], index) => ({ start: minutesOf(start), end: minutesOf(end), index }))
    .sort((a, b) => a.start - b.start);
  let previous: (typeof sorted)[number] | undefined;
  for (const interval of sorted) {
    if (previous && interval.start < previous.end) {
      ctx.addIssue({ code: 'custom', message: 'intervals of a day must not overlap', path: [interval.index] });
    }
    previous = interval;
  }
});
export type DaySchedule = z.infer<typeof dayScheduleSchema>;

const calendarDateSchema = z
  .string()
  .regex(CALENDAR_DATE, 'expected a date YYYY-MM-DD')
  .refine((date) => DateTime.fromISO(date, { zone: 'utc' }).isValid, 'not a calendar date');

/**
 * Whole local days on which the office is closed (holidays, a move), from `from` to `to` inclusive; one day when
 * `to` is absent. Strict, because a mistyped key ("until") would silently shrink a closure to its first day.
 */
export const closureSchema = z
  .strictObject({ from: calendarDateSchema, to: calendarDateSchema.optional(), label: z.string().max(200).optional() })
  .refine((closure) => closure.to === undefined || closure.to >= closure.from, {
    message: 'a closure must not end before it starts',
    path: ['to'],
  });
export type Closure = z.infer<typeof closureSchema>;

/** A firm's (or one account's) office hours, as stored in BusinessHours. A weekday without entry is closed. */
export const businessHoursSpecSchema = z.object({
  timeZone: z.string().refine(isUsableTimeZone, 'expected an IANA time zone such as America/New_York'),
  weekly: z.partialRecord(isoWeekdaySchema, dayScheduleSchema),
  closures: z.array(closureSchema).default([]),
});
export type BusinessHoursSpec = z.infer<typeof businessHoursSpecSchema>;

interface Minutes {
  start: number;
  end: number;
}

interface CompiledHours {
  zone: IANAZone;
  byWeekday: ReadonlyMap<number, readonly Minutes[]>;
  closures: readonly { from: string; to: string }[];
}

// A spec object is compiled once: callers that keep their specs (the inbound worker does) pay for it once.
const compiled = new WeakMap<BusinessHoursSpec, CompiledHours>();

function compile(spec: BusinessHoursSpec): CompiledHours {
  let hours = compiled.get(spec);
  if (!hours) {
    hours = compileSpec(spec);
    compiled.set(spec, hours);
  }
  return hours;
}

function compileSpec(spec: BusinessHoursSpec): CompiledHours {
  const byWeekday = new Map<number, Minutes[]>();
  for (const weekday of isoWeekdaySchema.options) {
    const intervals = spec.weekly[weekday] ?? [];
    byWeekday.set(
      Number(weekday),
      intervals.map(([start, end]) => ({ start: minutesOf(start), end: minutesOf(end) })),
    );
  }
  const closures = spec.closures.map((closure) => ({ from: closure.from, to: closure.to ?? closure.from }));
  return { zone: IANAZone.create(spec.timeZone), byWeekday, closures };
}

/** A local calendar day, as the UTC instant of its midnight: day arithmetic without DST. */
type DayKey = number;

function dayKeyOf(hours: CompiledHours, instant: number): DayKey {
  const local = DateTime.fromMillis(instant, { zone: hours.zone });
  return Date.UTC(local.year, local.month - 1, local.day);
}

function isoWeekdayOf(day: DayKey): number {
  return ((new Date(day).getUTCDay() + 6) % 7) + 1;
}

function isClosureDay(hours: CompiledHours, date: string): boolean {
  return hours.closures.some((closure) => closure.from <= date && date <= closure.to);
}

function isOpenAt(hours: CompiledHours, instant: number): boolean {
  const local = DateTime.fromMillis(instant, { zone: hours.zone });
  const date = `${String(local.year).padStart(4, '0')}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
  if (isClosureDay(hours, date)) return false;
  const minute = local.hour * 60 + local.minute + (local.second * 1000 + local.millisecond) / MINUTE;
  const intervals = hours.byWeekday.get(local.weekday) ?? [];
  return intervals.some((interval) => interval.start <= minute && minute < interval.end);
}

/**
 * Every instant at which the firm's clock reads `minutes` after midnight of `day` (1440 = the next midnight): none
 * in a spring-forward gap, two in a fall-back overlap.
 */
function wallInstants(hours: CompiledHours, day: DayKey, minutes: number): number[] {
  const naive = day + minutes * MINUTE;
  const offsets = new Set([hours.zone.offset(naive - DAY), hours.zone.offset(naive), hours.zone.offset(naive + DAY)]);
  const instants = new Set<number>();
  for (const offset of offsets) {
    const instant = naive - offset * MINUTE;
    if (hours.zone.offset(instant) === offset) instants.add(instant);
  }
  return [...instants];
}

/**
 * The offset change (the first instant of the new offset) in [from, to), which is one day long; zones change offset
 * at most a few times a year, never twice in a day.
 */
function offsetChangeIn(hours: CompiledHours, from: number, to: number): number | null {
  const before = hours.zone.offset(from);
  if (hours.zone.offset(to - 1) === before) return null;
  let low = from;
  let high = to - 1;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (hours.zone.offset(middle) === before) low = middle;
    else high = middle;
  }
  return high;
}

/** Instants near `day` where the office may open (edge 'start') or close (edge 'end'). */
function boundaryCandidates(hours: CompiledHours, day: DayKey, edge: 'start' | 'end'): number[] {
  const candidates: number[] = [];
  for (const interval of hours.byWeekday.get(isoWeekdayOf(day)) ?? []) {
    candidates.push(...wallInstants(hours, day, interval[edge]));
  }
  // Day windows [day - 14h, next day - 14h) tile the timeline, so each offset change is found exactly once.
  const change = offsetChangeIn(hours, day - MAX_OFFSET_AHEAD, day + DAY - MAX_OFFSET_AHEAD);
  if (change !== null) candidates.push(change);
  return candidates;
}

/** Whether the office is open at `at`. */
export function isOpen(spec: BusinessHoursSpec, at: Date): boolean {
  return isOpenAt(compile(spec), at.getTime());
}

/**
 * When the office next opens: `at` itself when open now, null when it does not open within 400 days (no weekly
 * hours, or a closure that long).
 */
export function nextOpening(spec: BusinessHoursSpec, at: Date): Date | null {
  const hours = compile(spec);
  const now = at.getTime();
  if (isOpenAt(hours, now)) return new Date(now);
  const horizon = now + SEARCH_DAYS * DAY;
  const lastDay = dayKeyOf(hours, horizon);
  let best: number | null = null;
  for (let day = dayKeyOf(hours, now) - DAY; day <= lastDay; day += DAY) {
    // Nothing on this day or later can come before what was found.
    if (best !== null && day - MAX_OFFSET_AHEAD > best) break;
    for (const candidate of boundaryCandidates(hours, day, 'start')) {
      if (candidate > now && candidate <= horizon && (best === null || candidate < best) && isOpenAt(hours, candidate)) {
        best = candidate;
      }
    }
  }
  return best === null ? null : new Date(best);
}

/**
 * When the current closed period began: the end of the last opening before `at` (Friday 17:00 for a Saturday
 * message). One after-hours reply per contact per closed period is decided against it. Null when the office is
 * open at `at`, or has not been open in the 400 days before it.
 */
export function currentClosedPeriodStart(spec: BusinessHoursSpec, at: Date): Date | null {
  const hours = compile(spec);
  const now = at.getTime();
  if (isOpenAt(hours, now)) return null;
  const horizon = now - SEARCH_DAYS * DAY;
  const firstDay = dayKeyOf(hours, horizon) - DAY;
  let best: number | null = null;
  for (let day = dayKeyOf(hours, now) + DAY; day >= firstDay; day -= DAY) {
    // Nothing on this day or earlier can come after what was found.
    if (best !== null && day + DAY + MAX_OFFSET_BEHIND < best) break;
    for (const candidate of boundaryCandidates(hours, day, 'end')) {
      if (
        candidate <= now &&
        candidate >= horizon &&
        (best === null || candidate > best) &&
        isOpenAt(hours, candidate - 1) &&
        !isOpenAt(hours, candidate)
      ) {
        best = candidate;
      }
    }
  }
  return best === null ? null : new Date(best);
}

/**
 * An opening as a client reads it, with the date (a closure can push the opening past next week) and the zone
 * named, since the client may live elsewhere: "Monday, March 9 at 9:00 AM (America/New_York)",
 * "lunes 9 de marzo, 9:00 (Europe/Madrid)". Fits "We will reply from {next_opening}." / "a partir del {...}".
 */
export function formatOpening(date: Date, timeZone: string, language: TemplateLanguage): string {
  const local = DateTime.fromJSDate(date, { zone: timeZone });
  const text =
    language === 'es'
      ? local.setLocale('es').toFormat("cccc d 'de' LLLL, H:mm")
      : local.setLocale('en-US').toFormat("cccc, LLLL d 'at' h:mm a");
  return `${text} (${timeZone})`;
}
