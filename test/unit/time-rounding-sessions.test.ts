import { describe, expect, it } from 'vitest';
import { firmSettingsSchema } from '../../src/core/firm-settings.js';
import { buildNarrative } from '../../src/core/time/build-narrative.js';
import { groupActivities } from '../../src/core/time/group-activities.js';
import { activitySeconds, formatHours, roundUpToTenths } from '../../src/core/time/time-rules.js';

const defaults = firmSettingsSchema.parse({});
const minutes = (n: number) => n * 60;

describe('rounding: once, up, to the increment', () => {
  it.each([
    { work: '0 s', seconds: 0, increment: 0.1, hours: '0.0' },
    { work: '1 s', seconds: 1, increment: 0.1, hours: '0.1' },
    { work: '1 minute', seconds: minutes(1), increment: 0.1, hours: '0.1' },
    { work: '6 minutes exactly', seconds: minutes(6), increment: 0.1, hours: '0.1' },
    { work: '6 minutes 1 s', seconds: minutes(6) + 1, increment: 0.1, hours: '0.2' },
    { work: '7 minutes', seconds: minutes(7), increment: 0.1, hours: '0.2' },
    { work: '1 hour', seconds: minutes(60), increment: 0.1, hours: '1.0' },
    { work: '1 hour 1 s', seconds: minutes(60) + 1, increment: 0.1, hours: '1.1' },
    { work: '7 minutes by fifths', seconds: minutes(7), increment: 0.2, hours: '0.2' },
    { work: '13 minutes by fifths', seconds: minutes(13), increment: 0.2, hours: '0.4' },
    { work: '1 minute by halves', seconds: minutes(1), increment: 0.5, hours: '0.5' },
    { work: '31 minutes by halves', seconds: minutes(31), increment: 0.5, hours: '1.0' },
    { work: '61 minutes by hours', seconds: minutes(61), increment: 1, hours: '2.0' },
  ])('$work at $increment h is $hours h', ({ seconds, increment, hours }) => {
    expect(formatHours(roundUpToTenths(seconds, increment))).toBe(hours);
  });

  it('refuses increments that are not tenths and negative time', () => {
    expect(() => roundUpToTenths(60, 0.25)).toThrow(RangeError);
    expect(() => roundUpToTenths(-1, 0.1)).toThrow(RangeError);
  });

  it('rounds the session, not each activity: ten one-minute replies are 0.2 h, not 1.0 h', () => {
    const perActivity = Array.from({ length: 10 }, () => roundUpToTenths(minutes(1), 0.1)).reduce((a, b) => a + b, 0);
    expect(perActivity).toBe(10);
    expect(roundUpToTenths(minutes(10), 0.1)).toBe(2);
  });
});

describe('activity seconds from the firm settings', () => {
  it.each([
    { what: 'a sent message measured at 5 s is raised to the 1-minute floor', kind: 'message_sent', ms: 5_000, seconds: 60 },
    { what: 'a sent message without a measurement counts the floor', kind: 'message_sent', ms: null, seconds: 60 },
    { what: 'a sent message measured at 90.2 s counts 91 s', kind: 'message_sent', ms: 90_200, seconds: 91 },
    { what: 'a draft left open for 3 hours stops at the 30-minute cap', kind: 'message_sent', ms: 3 * 3_600_000, seconds: 1800 },
    { what: 'a message read counts 20 s', kind: 'message_read', ms: null, seconds: 20 },
    { what: 'a document opened counts the document time', kind: 'document_opened', ms: null, seconds: 120 },
    { what: 'a document sent counts the document time', kind: 'document_sent', ms: null, seconds: 120 },
  ] as const)('$what', ({ kind, ms, seconds }) => {
    expect(activitySeconds(kind, defaults, ms)).toBe(seconds);
  });

  it('never caps below the floor', () => {
    expect(activitySeconds('message_sent', { ...defaults, timeSentFloorSeconds: 600, timeSentCapSeconds: 300 }, 1_000)).toBe(600);
  });
});

const at = (iso: string, seconds: number, id = iso) => ({ id, occurredAt: new Date(iso), seconds });
const ny = { gapMinutes: 15, grouping: 'session', timeZone: 'America/New_York' } as const;

describe('sessions: one person, one matter, activities within the gap', () => {
  it.each([
    {
      what: 'two bursts 40 minutes apart are two sessions',
      activities: [at('2026-03-10T14:00:00Z', 60), at('2026-03-10T14:02:00Z', 20), at('2026-03-10T14:42:00Z', 60), at('2026-03-10T14:44:00Z', 360)],
      options: ny,
      sessions: [{ date: '2026-03-10', seconds: 80, hours: '0.1' }, { date: '2026-03-10', seconds: 420, hours: '0.2' }],
    },
    {
      what: 'activities exactly the gap apart are one session',
      activities: [at('2026-03-10T14:00:00Z', 60), at('2026-03-10T14:15:00Z', 60)],
      options: ny,
      sessions: [{ date: '2026-03-10', seconds: 120, hours: '0.1' }],
    },
    {
      what: 'one millisecond more than the gap starts a new session',
      activities: [at('2026-03-10T14:00:00Z', 60), at('2026-03-10T14:15:00.001Z', 60)],
      options: ny,
      sessions: [{ date: '2026-03-10', seconds: 60, hours: '0.1' }, { date: '2026-03-10', seconds: 60, hours: '0.1' }],
    },
    {
      what: 'a chain of activities 10 minutes apart is one session however long',
      activities: [0, 10, 20, 30, 40, 50, 60].map((m) => at(new Date(Date.parse('2026-03-10T14:00:00Z') + m * 60_000).toISOString(), 60)),
      options: ny,
      sessions: [{ date: '2026-03-10', seconds: 420, hours: '0.2' }],
    },
    {
      // 23:50 and 00:05 in New York are 04:50 and 05:05 UTC on the 15th: the entry is dated the 14th, the firm's day.
      what: 'a session across midnight in the firm\'s time zone stays one, dated the day it began',
      activities: [at('2026-01-15T04:50:00Z', 300), at('2026-01-15T05:05:00Z', 120)],
      options: ny,
      sessions: [{ date: '2026-01-14', seconds: 420, hours: '0.2' }],
    },
    {
      what: 'grouped by day, the same work splits at the firm\'s midnight',
      activities: [at('2026-01-15T04:50:00Z', 300), at('2026-01-15T05:05:00Z', 120)],
      options: { ...ny, grouping: 'day' as const },
      sessions: [{ date: '2026-01-14', seconds: 300, hours: '0.1' }, { date: '2026-01-15', seconds: 120, hours: '0.1' }],
    },
    {
      what: 'grouped by day, bursts hours apart on one day are one entry',
      activities: [at('2026-03-10T13:00:00Z', 60), at('2026-03-10T20:00:00Z', 60)],
      options: { ...ny, grouping: 'day' as const },
      sessions: [{ date: '2026-03-10', seconds: 120, hours: '0.1' }],
    },
    {
      // 00:30 in Madrid (UTC+1) is 23:30 UTC the day before.
      what: 'Madrid\'s day begins an hour before UTC\'s in winter',
      activities: [at('2026-03-28T23:30:00Z', 60)],
      options: { ...ny, timeZone: 'Europe/Madrid' },
      sessions: [{ date: '2026-03-29', seconds: 60, hours: '0.1' }],
    },
  ])('$what', ({ activities, options, sessions }) => {
    const groups = groupActivities(activities, options);
    expect(groups.map((group) => ({ date: group.date, seconds: group.seconds, hours: formatHours(roundUpToTenths(group.seconds, 0.1)) }))).toEqual(sessions);
    expect(groups.flatMap((group) => group.activities)).toHaveLength(activities.length);
  });

  it('sorts activities that arrive out of order before grouping', () => {
    const groups = groupActivities([at('2026-03-10T14:44:00Z', 60, 'c'), at('2026-03-10T14:00:00Z', 60, 'a'), at('2026-03-10T14:02:00Z', 60, 'b')], ny);
    expect(groups.map((group) => group.activities.map((activity) => activity.id))).toEqual([['a', 'b'], ['c']]);
    expect(groups[0]).toMatchObject({ startedAt: new Date('2026-03-10T14:00:00Z'), endedAt: new Date('2026-03-10T14:02:00Z') });
  });
});

describe('narratives from activities', () => {
  const sent = { kind: 'message_sent', channel: 'whatsapp_cloud' } as const;
  const read = { kind: 'message_read', channel: 'whatsapp_cloud' } as const;
  it.each([
    {
      activities: [...Array(7).fill(sent), ...Array(9).fill(read), { kind: 'document_opened', channel: 'whatsapp_cloud' }],
      narrative: 'WhatsApp with client re Settlement: 7 messages sent, 9 read, 1 document reviewed',
    },
    { activities: [sent], narrative: 'WhatsApp with client re Settlement: 1 message sent' },
    { activities: [read, read], narrative: 'WhatsApp with client re Settlement: 2 messages read' },
    { activities: [sent, { kind: 'message_read', channel: 'twilio' }], narrative: 'WhatsApp and SMS with client re Settlement: 1 message sent, 1 read' },
    { activities: [{ kind: 'document_sent', channel: 'signal' }, { kind: 'message_sent', channel: 'signal' }], narrative: 'Signal with client re Settlement: 1 message sent, 1 document sent' },
    { activities: [{ kind: 'message_read', channel: null }], narrative: 'Messaging with client re Settlement: 1 message read' },
  ] as const)('$narrative', ({ activities, narrative }) => {
    expect(buildNarrative('  Settlement ', activities)).toBe(narrative);
  });
});
