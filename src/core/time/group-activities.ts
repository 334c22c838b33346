import { DateTime } from 'luxon';

export interface TimedActivity {
  id: string;
  occurredAt: Date;
  seconds: number;
}

export interface ActivityGroup<T extends TimedActivity> {
  activities: T[];
  /** The working day (YYYY-MM-DD) in the firm's time zone: the day the group began. */
  date: string;
  startedAt: Date;
  endedAt: Date;
  seconds: number;
}

export interface GroupActivitiesOptions {
  gapMinutes: number;
  grouping: 'session' | 'day';
  timeZone: string;
}

/** The calendar day of an instant on the firm's wall clock, not the server's or UTC's. */
export function firmDate(at: Date, timeZone: string): string {
  const local = DateTime.fromJSDate(at, { zone: timeZone });
  if (!local.isValid) throw new RangeError(`not a usable time zone: ${timeZone}`);
  return local.toISODate()!;
}

/**
 * One person's activities on one matter, grouped into the units that become draft entries. By session: a new group
 * starts when the next activity comes more than the gap after the one before (exactly the gap still belongs), and a
 * session running past midnight stays one (it is dated the day it began; splitting it would round it twice). By
 * day: one group per day of the firm's calendar.
 */
export function groupActivities<T extends TimedActivity>(activities: readonly T[], options: GroupActivitiesOptions): ActivityGroup<T>[] {
  const sorted = [...activities].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const gapMs = options.gapMinutes * 60_000;
  const groups: T[][] = [];
  let current: T[] = [];
  let currentDay: string | null = null;
  for (const activity of sorted) {
    const previous = current[current.length - 1];
    const day = firmDate(activity.occurredAt, options.timeZone);
    const startsNew =
      previous === undefined
        ? false
        : options.grouping === 'day'
          ? day !== currentDay
          : activity.occurredAt.getTime() - previous.occurredAt.getTime() > gapMs;
    if (startsNew) {
      groups.push(current);
      current = [];
    }
    if (current.length === 0) currentDay = day;
    current.push(activity);
  }
  if (current.length > 0) groups.push(current);
  return groups.map((members) => {
    const first = members[0]!;
    const last = members[members.length - 1]!;
    return {
      activities: members,
      date: firmDate(first.occurredAt, options.timeZone),
      startedAt: first.occurredAt,
      endedAt: last.occurredAt,
      seconds: members.reduce((sum, activity) => sum + activity.seconds, 0),
    };
  });
}
