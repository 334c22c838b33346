import { describe, expect, it } from 'vitest';
import {
  businessHoursSpecSchema,
  currentClosedPeriodStart,
  formatOpening,
  isOpen,
  nextOpening,
  type BusinessHoursSpec,
} from '../../src/core/hours/business-hours.js';

const spec = (input: unknown): BusinessHoursSpec => businessHoursSpecSchema.parse(input);

const nineToFive = [['09:00', '17:00']];
const newYork = spec({
  timeZone: 'America/New_York',
  weekly: { 1: nineToFive, 2: nineToFive, 3: nineToFive, 4: nineToFive, 5: nineToFive },
  closures: [{ from: '2026-12-24', to: '2026-12-26', label: 'Christmas' }, { from: '2027-01-01' }],
});

// The Spanish split day: morning and afternoon with a long lunch.
const splitDay = [
  ['09:00', '14:00'],
  ['16:00', '19:00'],
];
const madrid = spec({
  timeZone: 'Europe/Madrid',
  weekly: { 1: splitDay, 2: splitDay, 3: splitDay, 4: splitDay, 5: splitDay },
  closures: [],
});

// Sunday night-line hours placed on the DST changes themselves.
const sundayOnly = (timeZone: string, interval: [string, string]) =>
  spec({ timeZone, weekly: { 7: [interval] }, closures: [] });

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

describe('nextOpening', () => {
  const cases: [name: string, hours: BusinessHoursSpec, at: string, expected: string | null][] = [
    ['NY open now returns now', newYork, '2026-03-10T15:00:00.000Z', '2026-03-10T15:00:00.000Z'],
    ['NY Friday 18:00 EST, over spring forward, to Monday 09:00 EDT', newYork, '2026-03-06T23:00:00.000Z', '2026-03-09T13:00:00.000Z'],
    ['NY Friday 18:00 EDT, over fall back, to Monday 09:00 EST', newYork, '2026-10-30T22:00:00.000Z', '2026-11-02T14:00:00.000Z'],
    ['NY Monday 08:59 EST', newYork, '2026-11-02T13:59:00.000Z', '2026-11-02T14:00:00.000Z'],
    ['NY closing instant itself is closed', newYork, '2026-03-10T21:00:00.000Z', '2026-03-11T13:00:00.000Z'],
    ['NY Wednesday 17:30 before a Christmas closure to Monday 28th', newYork, '2026-12-23T22:30:00.000Z', '2026-12-28T14:00:00.000Z'],
    ['NY inside the closure', newYork, '2026-12-24T15:00:00.000Z', '2026-12-28T14:00:00.000Z'],
    ['NY New Year closure (a one-day closure) to Monday 4th', newYork, '2026-12-31T22:00:00.000Z', '2027-01-04T14:00:00.000Z'],
    ['Madrid Friday 19:30 CET, over spring forward, to Monday 09:00 CEST', madrid, '2026-03-27T18:30:00.000Z', '2026-03-30T07:00:00.000Z'],
    ['Madrid Friday 20:00 CEST, over fall back, to Monday 09:00 CET', madrid, '2026-10-23T18:00:00.000Z', '2026-10-26T08:00:00.000Z'],
    ['Madrid lunch break to 16:00 CEST', madrid, '2026-03-31T12:30:00.000Z', '2026-03-31T14:00:00.000Z'],
    // 02:00-03:00 does not exist on 2026-03-08 in New York: the next Sunday is the first opening.
    ['NY 02:00-03:00 skipped in spring', sundayOnly('America/New_York', ['02:00', '03:00']), '2026-03-07T17:00:00.000Z', '2026-03-15T06:00:00.000Z'],
    // 02:30-04:00: the clock jumps from 01:59:59 EST straight into the interval at 03:00 EDT.
    ['NY opening by the spring jump', sundayOnly('America/New_York', ['02:30', '04:00']), '2026-03-07T17:00:00.000Z', '2026-03-08T07:00:00.000Z'],
    // 01:00-01:30 happens twice on 2026-11-01 in New York; between the two passes it opens again at 01:00 EST.
    ['NY repeated hour opens twice', sundayOnly('America/New_York', ['01:00', '01:30']), '2026-11-01T05:45:00.000Z', '2026-11-01T06:00:00.000Z'],
    ['NY repeated hour first pass', sundayOnly('America/New_York', ['01:00', '01:30']), '2026-11-01T04:30:00.000Z', '2026-11-01T05:00:00.000Z'],
    ['Madrid 02:00-03:00 skipped in spring', sundayOnly('Europe/Madrid', ['02:00', '03:00']), '2026-03-28T12:00:00.000Z', '2026-04-05T00:00:00.000Z'],
    ['Madrid 02:00-03:00 in autumn', sundayOnly('Europe/Madrid', ['02:00', '03:00']), '2026-10-24T12:00:00.000Z', '2026-10-25T00:00:00.000Z'],
    ['never open', spec({ timeZone: 'UTC', weekly: {}, closures: [] }), '2026-03-06T12:00:00.000Z', null],
    [
      'closed longer than 400 days',
      spec({ timeZone: 'UTC', weekly: { 1: nineToFive }, closures: [{ from: '2026-01-01', to: '2027-12-31' }] }),
      '2026-03-06T12:00:00.000Z',
      null,
    ],
  ];

  it.each(cases)('%s', (_name, hours, at, expected) => {
    expect(iso(nextOpening(hours, new Date(at)))).toBe(expected);
  });
});

describe('isOpen', () => {
  const cases: [name: string, hours: BusinessHoursSpec, at: string, expected: boolean][] = [
    ['NY Monday 09:00 EDT after spring forward', newYork, '2026-03-09T13:00:00.000Z', true],
    ['NY Monday 08:00 EDT (09:00 if it were still EST)', newYork, '2026-03-09T12:59:59.999Z', false],
    ['NY Monday 16:59 EST after fall back', newYork, '2026-11-02T21:59:00.000Z', true],
    ['NY Monday 17:00 EST', newYork, '2026-11-02T22:00:00.000Z', false],
    ['NY Monday 09:00 EST is 08:00 EDT the week before', newYork, '2026-10-26T13:00:00.000Z', true],
    ['NY Saturday', newYork, '2026-03-07T15:00:00.000Z', false],
    ['NY closure day (Thursday 24 December)', newYork, '2026-12-24T15:00:00.000Z', false],
    ['NY last closure day (Saturday) stays closed', newYork, '2026-12-26T15:00:00.000Z', false],
    ['NY the day before the closure', newYork, '2026-12-23T15:00:00.000Z', true],
    ['Madrid Monday 09:00 CEST after spring forward', madrid, '2026-03-30T07:00:00.000Z', true],
    ['Madrid Monday 08:00 CEST', madrid, '2026-03-30T06:00:00.000Z', false],
    ['Madrid Monday 18:59 CET after fall back', madrid, '2026-10-26T17:59:00.000Z', true],
    ['Madrid lunch 15:00 CET', madrid, '2026-10-26T14:00:00.000Z', false],
    // 01:30-02:30 on the spring-forward night: open until the clock jumps from 01:59:59 EST to 03:00 EDT.
    ['NY 01:45 EST before the jump', sundayOnly('America/New_York', ['01:30', '02:30']), '2026-03-08T06:45:00.000Z', true],
    ['NY 03:00 EDT right after the jump', sundayOnly('America/New_York', ['01:30', '02:30']), '2026-03-08T07:00:00.000Z', false],
    // 00:00-02:00 on the fall-back night lasts three hours: 01:30 EST is inside it.
    ['NY 01:30 EST in the repeated hour', sundayOnly('America/New_York', ['00:00', '02:00']), '2026-11-01T06:30:00.000Z', true],
    ['NY 02:00 EST', sundayOnly('America/New_York', ['00:00', '02:00']), '2026-11-01T07:00:00.000Z', false],
    // Madrid 02:00-03:00 on 2026-10-25 is two hours long: 02:00 CEST to 03:00 CET.
    ['Madrid 02:30 CET in the repeated hour', sundayOnly('Europe/Madrid', ['02:00', '03:00']), '2026-10-25T01:30:00.000Z', true],
    ['Madrid 03:00 CET', sundayOnly('Europe/Madrid', ['02:00', '03:00']), '2026-10-25T02:00:00.000Z', false],
  ];

  it.each(cases)('%s', (_name, hours, at, expected) => {
    expect(isOpen(hours, new Date(at))).toBe(expected);
  });
});

describe('currentClosedPeriodStart', () => {
  const lateFriday = spec({
    timeZone: 'UTC',
    weekly: { 5: [['18:00', '24:00']], 6: [['00:00', '02:00']] },
    closures: [],
  });
  const touching = spec({
    timeZone: 'UTC',
    weekly: {
      2: [
        ['09:00', '12:00'],
        ['12:00', '17:00'],
      ],
    },
    closures: [],
  });

  const cases: [name: string, hours: BusinessHoursSpec, at: string, expected: string | null][] = [
    ['NY Saturday noon: since Friday 17:00 EST', newYork, '2026-03-07T17:00:00.000Z', '2026-03-06T22:00:00.000Z'],
    ['NY Sunday 15:00 EDT over the spring change: since Friday 17:00 EST', newYork, '2026-03-08T19:00:00.000Z', '2026-03-06T22:00:00.000Z'],
    ['NY Monday 08:00 EDT: since Friday 17:00 EST', newYork, '2026-03-09T12:00:00.000Z', '2026-03-06T22:00:00.000Z'],
    ['NY Sunday over the autumn change: since Friday 17:00 EDT', newYork, '2026-11-01T15:00:00.000Z', '2026-10-30T21:00:00.000Z'],
    ['NY exactly at closing', newYork, '2026-03-06T22:00:00.000Z', '2026-03-06T22:00:00.000Z'],
    ['NY open now', newYork, '2026-03-06T21:59:59.999Z', null],
    ['NY in the Christmas closure: since Wednesday 17:00 EST', newYork, '2026-12-26T15:00:00.000Z', '2026-12-23T22:00:00.000Z'],
    ['Madrid lunch: since 14:00 CEST', madrid, '2026-03-31T12:30:00.000Z', '2026-03-31T12:00:00.000Z'],
    ['Madrid Saturday after fall back: since Friday 19:00 CEST', madrid, '2026-10-24T10:00:00.000Z', '2026-10-23T17:00:00.000Z'],
    ['NY closing by the spring jump', sundayOnly('America/New_York', ['01:30', '02:30']), '2026-03-08T07:20:00.000Z', '2026-03-08T07:00:00.000Z'],
    ['NY first pass of the repeated hour', sundayOnly('America/New_York', ['01:00', '01:30']), '2026-11-01T05:45:00.000Z', '2026-11-01T05:30:00.000Z'],
    ['NY second pass of the repeated hour', sundayOnly('America/New_York', ['01:00', '01:30']), '2026-11-01T07:00:00.000Z', '2026-11-01T06:30:00.000Z'],
    ['open across midnight closes at 02:00, not at midnight', lateFriday, '2026-03-07T03:00:00.000Z', '2026-03-07T02:00:00.000Z'],
    ['touching intervals close once', touching, '2026-03-10T18:00:00.000Z', '2026-03-10T17:00:00.000Z'],
    ['never open', spec({ timeZone: 'UTC', weekly: {}, closures: [] }), '2026-03-07T12:00:00.000Z', null],
  ];

  it.each(cases)('%s', (_name, hours, at, expected) => {
    expect(iso(currentClosedPeriodStart(hours, new Date(at)))).toBe(expected);
  });

  it('is open across midnight when an interval ends at 24:00 and the next starts at 00:00', () => {
    expect(isOpen(lateFriday, new Date('2026-03-06T23:59:59.999Z'))).toBe(true);
    expect(isOpen(lateFriday, new Date('2026-03-07T00:00:00.000Z'))).toBe(true);
    expect(iso(nextOpening(lateFriday, new Date('2026-03-06T12:00:00.000Z')))).toBe('2026-03-06T18:00:00.000Z');
  });
});

// The searches agree with stepping minute by minute through isOpen (every boundary here is on a whole minute).
describe('nextOpening and currentClosedPeriodStart against a minute-by-minute walk', () => {
  const minute = 60_000;
  const tricky = (timeZone: string) =>
    spec({
      timeZone,
      weekly: {
        6: [['22:00', '24:00']],
        7: [
          ['00:30', '01:30'],
          // Contains 03:00, so both zones' spring jump lands inside it and Madrid's autumn jump leaves it.
          ['02:15', '03:05'],
          ['03:10', '04:00'],
        ],
        1: [['08:00', '09:00']],
        // Keep every gap shorter than the walk's three days.
        2: [['10:00', '11:00']],
        5: [['20:00', '21:00']],
      },
      closures: [],
    });
  const weekends: [string, string][] = [
    ['America/New_York', '2026-03-07T12:00:00.000Z'],
    ['America/New_York', '2026-10-31T12:00:00.000Z'],
    ['Europe/Madrid', '2026-03-28T12:00:00.000Z'],
    ['Europe/Madrid', '2026-10-24T12:00:00.000Z'],
  ];

  it.each(weekends)('%s, the weekend from %s', (timeZone, start) => {
    const hours = tricky(timeZone);
    const from = Date.parse(start);
    // Whether each minute from three days before to five days after is open; every gap in `tricky` is shorter.
    const gridStart = from - 3 * 24 * 60 * minute;
    const open = Array.from({ length: 8 * 24 * 60 }, (_, i) => isOpen(hours, new Date(gridStart + i * minute)));
    const at = (i: number) => gridStart + i * minute;
    for (let t = from; t < from + 48 * 60 * minute; t += 7 * minute) {
      const index = (t - gridStart) / minute;
      const opening = open.findIndex((isOpenThen, i) => i >= index && isOpenThen);
      const lastOpen = open.slice(0, index + 1).lastIndexOf(true);
      const closedSince = open[index] ? null : at(lastOpen + 1);
      expect(nextOpening(hours, new Date(t))?.getTime(), new Date(t).toISOString()).toBe(at(opening));
      expect(currentClosedPeriodStart(hours, new Date(t))?.getTime() ?? null, new Date(t).toISOString()).toBe(closedSince);
    }
  });
});

describe('formatOpening', () => {
  const cases: [at: string, timeZone: string, language: 'en' | 'es', expected: string][] = [
    ['2026-11-02T14:00:00.000Z', 'America/New_York', 'en', 'Monday, November 2 at 9:00 AM (America/New_York)'],
    ['2026-03-09T17:30:00.000Z', 'America/New_York', 'en', 'Monday, March 9 at 1:30 PM (America/New_York)'],
    ['2026-03-30T07:00:00.000Z', 'Europe/Madrid', 'es', 'lunes 30 de marzo, 9:00 (Europe/Madrid)'],
    ['2026-10-26T15:00:00.000Z', 'Europe/Madrid', 'es', 'lunes 26 de octubre, 16:00 (Europe/Madrid)'],
    ['2026-03-30T07:00:00.000Z', 'Europe/Madrid', 'en', 'Monday, March 30 at 9:00 AM (Europe/Madrid)'],
  ];

  it.each(cases)('%s in %s (%s)', (at, timeZone, language, expected) => {
    expect(formatOpening(new Date(at), timeZone, language)).toBe(expected);
  });
});

describe('businessHoursSpecSchema', () => {
  const valid = { timeZone: 'America/New_York', weekly: { 1: nineToFive } };

  it('accepts a spec and defaults closures to none', () => {
    expect(businessHoursSpecSchema.parse(valid)).toEqual({ ...valid, closures: [] });
  });

  const invalid: [name: string, input: unknown, path: (string | number)[]][] = [
    ['unknown zone', { ...valid, timeZone: 'Mars/Olympus_Mons' }, ['timeZone']],
    ['legacy fixed-offset zone', { ...valid, timeZone: 'EST' }, ['timeZone']],
    ['weekday 8', { ...valid, weekly: { 8: nineToFive } }, ['weekly']],
    ['H:MM', { ...valid, weekly: { 1: [['9:00', '17:00']] } }, ['weekly', '1', 0, 0]],
    ['24:00 as a start', { ...valid, weekly: { 1: [['24:00', '24:00']] } }, ['weekly', '1', 0, 0]],
    ['24:30 as an end', { ...valid, weekly: { 1: [['09:00', '24:30']] } }, ['weekly', '1', 0, 1]],
    ['start after end', { ...valid, weekly: { 1: [['17:00', '09:00']] } }, ['weekly', '1', 0]],
    ['empty interval', { ...valid, weekly: { 1: [['09:00', '09:00']] } }, ['weekly', '1', 0]],
    [
      'overlapping intervals',
      {
        ...valid,
        weekly: {
          1: [
            ['13:00', '17:00'],
            ['09:00', '13:30'],
          ],
        },
      },
      ['weekly', '1', 0],
    ],
    ['closure ends before it starts', { ...valid, closures: [{ from: '2026-12-26', to: '2026-12-24' }] }, ['closures', 0, 'to']],
    ['closure not a date', { ...valid, closures: [{ from: '2026-02-30' }] }, ['closures', 0, 'from']],
    ['closure with a mistyped key', { ...valid, closures: [{ from: '2026-12-24', until: '2026-12-26' }] }, ['closures', 0]],
  ];

  it.each(invalid)('rejects %s', (_name, input, path) => {
    const result = businessHoursSpecSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toContainEqual(path);
  });
});
