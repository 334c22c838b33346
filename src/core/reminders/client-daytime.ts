import { DateTime } from 'luxon';

// The client's daytime: the local hours in which reminders and notices may reach a client's phone (a firm setting,
// in the client's time zone when known, else the firm's). Bounds are whole minutes and both inclusive, so 08:00-21:00
// allows 21:00:59 and 00:00-23:59 allows the whole day.

export interface Daytime {
  /** "HH:MM", local. */
  start: string;
  /** "HH:MM", local, after start. */
  end: string;
}

const minutesOf = (time: string): number => {
  const [hours = '0', minutes = '0'] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
};

const atLocal = (day: DateTime, time: string): DateTime => {
  const minutes = minutesOf(time);
  // luxon moves a wall time that does not exist (a spring-forward gap) forward to one that does.
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
};

/** Whether the client's clock at `at` reads a time within the daytime. */
export function isDaytime(at: Date, timeZone: string, daytime: Daytime): boolean {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  const minute = local.hour * 60 + local.minute;
  return minutesOf(daytime.start) <= minute && minute <= minutesOf(daytime.end);
}

export interface PlaceInDaytimeOptions {
  /** When the message is due (an event's time minus the reminder's offset, or now). */
  due: Date;
  /** The event reminded of; nothing is sent once it has begun. Absent for notices. */
  eventAt?: Date;
  now: Date;
  timeZone: string;
  daytime: Daytime;
}

export type Placement = { ok: true; sendAt: Date; moved: boolean } | { ok: false; reason: 'past' | 'night' };

/**
 * When a message due at `due` may go: then, when it is daytime for the client; else at the end of the evening before
 * (a reminder due at 03:00 goes at 21:00 the day before, so it still comes ahead of the event), unless that has
 * passed; else at the next morning's start, when that is still before the event. A reminder whose time has passed is
 * 'past'; one that cannot go in daytime before its event is 'night'.
 */
export function placeInDaytime(options: PlaceInDaytimeOptions): Placement {
  const { due, now, timeZone, daytime } = options;
  if (due.getTime() < now.getTime()) return { ok: false, reason: 'past' };
  if (options.eventAt && due.getTime() >= options.eventAt.getTime()) return { ok: false, reason: 'past' };
  if (isDaytime(due, timeZone, daytime)) return { ok: true, sendAt: due, moved: false };
  const local = DateTime.fromJSDate(due, { zone: timeZone });
  const beforeStart = local.hour * 60 + local.minute < minutesOf(daytime.start);
  const eveningBefore = atLocal(beforeStart ? local.minus({ days: 1 }) : local, daytime.end).toJSDate();
  if (eveningBefore.getTime() >= now.getTime()) return { ok: true, sendAt: eveningBefore, moved: true };
  const nextMorning = atLocal(beforeStart ? local : local.plus({ days: 1 }), daytime.start).toJSDate();
  if (!options.eventAt || nextMorning.getTime() < options.eventAt.getTime()) return { ok: true, sendAt: nextMorning, moved: true };
  return { ok: false, reason: 'night' };
}
