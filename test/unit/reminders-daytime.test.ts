import { describe, expect, it } from 'vitest';
import { isDaytime, placeInDaytime } from '../../src/core/reminders/client-daytime.js';
import { reminderVariables } from '../../src/core/reminders/render-reminder.js';

const daytime = { start: '08:00', end: '21:00' };
const ny = 'America/New_York';

describe('isDaytime', () => {
  it.each([
    ['2026-03-10T12:59:00Z', ny, true], // 08:59 EDT
    ['2026-03-10T11:59:00Z', ny, false], // 07:59
    ['2026-03-10T12:00:00Z', ny, true], // 08:00 exactly
    ['2026-03-11T01:00:59Z', ny, true], // 21:00:59, the last minute counts whole
    ['2026-03-11T01:01:00Z', ny, false], // 21:01
    ['2026-03-10T12:00:00Z', 'Europe/Madrid', true], // 13:00 in Madrid
    ['2026-03-10T22:00:00Z', 'Europe/Madrid', false], // 23:00 in Madrid
  ])('%s in %s -> %s', (at, zone, expected) => {
    expect(isDaytime(new Date(at), zone, daytime)).toBe(expected);
  });
});

// now: Monday 2026-03-09 10:00 EDT (14:00Z). Events and offsets as a paralegal sets them.
const now = new Date('2026-03-09T14:00:00Z');
const cases: [string, { due: string; eventAt: string; zone?: string }, { sendAt?: string; reason?: string; moved?: boolean }][] = [
  ['a daytime time is kept', { due: '2026-03-10T15:00:00Z', eventAt: '2026-03-12T15:00:00Z' }, { sendAt: '2026-03-10T15:00:00.000Z', moved: false }],
  // 2 h before a 08:30 hearing is 06:30: the evening before, 21:00 EDT.
  ['before dawn goes the evening before', { due: '2026-03-11T10:30:00Z', eventAt: '2026-03-11T12:30:00Z' }, { sendAt: '2026-03-11T01:00:00.000Z', moved: true }],
  // 48 h before a 23:30 event is 23:30 two days before: the same evening at 21:00.
  ['late evening goes at the end of the same evening', { due: '2026-03-11T03:30:00Z', eventAt: '2026-03-13T03:30:00Z' }, { sendAt: '2026-03-11T01:00:00.000Z', moved: true }],
  // 07:00 today has passed at 10:00.
  ['a time that has passed is past', { due: '2026-03-09T11:00:00Z', eventAt: '2026-03-12T15:00:00Z' }, { reason: 'past' }],
  // Due 03:00 tomorrow for a 04:00 event: tonight at 21:00, still ahead of now.
  ['a night event is reminded the evening before', { due: '2026-03-10T07:00:00Z', eventAt: '2026-03-10T08:00:00Z' }, { sendAt: '2026-03-10T01:00:00.000Z', moved: true }],
  ['a reminder at or after its event is past', { due: '2026-03-12T15:00:00Z', eventAt: '2026-03-12T15:00:00Z' }, { reason: 'past' }],
  // In Madrid (UTC+1 in March) it is 15:00 now; due 23:30 Madrid tonight -> 21:00 Madrid.
  ['the client time zone decides', { due: '2026-03-09T22:30:00Z', eventAt: '2026-03-10T22:30:00Z', zone: 'Europe/Madrid' }, { sendAt: '2026-03-09T20:00:00.000Z', moved: true }],
];

describe('placeInDaytime', () => {
  it.each(cases)('%s', (_name, input, expected) => {
    const placed = placeInDaytime({ due: new Date(input.due), eventAt: new Date(input.eventAt), now, timeZone: input.zone ?? ny, daytime });
    if (expected.reason) expect(placed).toEqual({ ok: false, reason: expected.reason });
    else expect(placed).toEqual({ ok: true, sendAt: new Date(expected.sendAt!), moved: expected.moved });
  });

  it('sends late-night work the next morning when the evening has passed and the event allows it', () => {
    // now: 23:00 EDT; due now (a job that ran late); event tomorrow 15:00 -> 08:00 tomorrow.
    const late = new Date('2026-03-10T03:00:00Z');
    expect(placeInDaytime({ due: late, eventAt: new Date('2026-03-10T19:00:00Z'), now: late, timeZone: ny, daytime })).toEqual({
      ok: true,
      sendAt: new Date('2026-03-10T12:00:00.000Z'),
      moved: true,
    });
    // The event is at 07:00: no daytime before it.
    expect(placeInDaytime({ due: late, eventAt: new Date('2026-03-10T11:00:00Z'), now: late, timeZone: ny, daytime })).toEqual({ ok: false, reason: 'night' });
  });

  it('finds the morning start on a spring-forward day', () => {
    // 2026-03-08 01:30 EST (06:30Z), late; the day loses 02:00-03:00 but 08:00 EDT is 12:00Z.
    const at = new Date('2026-03-08T06:30:00Z');
    expect(placeInDaytime({ due: at, eventAt: new Date('2026-03-09T00:00:00Z'), now: at, timeZone: ny, daytime })).toEqual({
      ok: true,
      sendAt: new Date('2026-03-08T12:00:00.000Z'),
      moved: true,
    });
  });
});

describe('reminderVariables', () => {
  it('writes the date and time in the client language and zone', () => {
    const startsAt = new Date('2026-03-12T14:00:00Z');
    expect(reminderVariables({ title: 'Hearing', location: 'Room 4B', startsAt, timeZone: ny, language: 'en' })).toEqual({
      event: 'Hearing',
      date: 'Thursday, March 12',
      time: '10:00 AM (America/New_York)',
      location: 'Room 4B',
    });
    expect(reminderVariables({ title: 'Vista', location: null, startsAt, timeZone: 'Europe/Madrid', language: 'es' })).toEqual({
      event: 'Vista',
      date: 'jueves 12 de marzo',
      time: '15:00 (Europe/Madrid)',
      location: '',
    });
  });
});
