import ICAL from 'ical.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_HORIZON_DAYS, formatRule, normalizeRecurrence, occurrences, parseRuleString, validateRule, type Recurrence, type Series } from '#domain/recurrence';
import { recurrenceInputSchema } from '#domain/recurrence-schema';
import type { Schedule } from '#domain/schemas';

const newYork: Schedule = { type: 'timed', start: '2026-03-02T09:00', end: '2026-03-02T10:00', timeZone: 'America/New_York' };
const at = (iso: string) => Date.parse(iso);

function seriesOf(rule: unknown, schedule: Schedule = newYork, extra: Record<string, unknown> = {}): Series {
  const { recurrence, errors } = normalizeRecurrence({ rule, ...extra }, schedule);
  expect(errors).toEqual([]);
  return { schedule, recurrence: recurrence! };
}

const starts = (series: Series, from: string, to?: string, options = {}) => occurrences(series, { from: at(from), ...(to ? { to: at(to) } : {}) }, options).map((o) => o.start);

describe('one normalized form from an RRULE string or an object', () => {
  it('parses both forms of the same rule to the same rule, and writes it back as RRULE', () => {
    // Prepare
    const text = 'RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=2MO,-1FR;UNTIL=20261231T235959Z;WKST=SU';
    const object = { freq: 'MONTHLY', interval: 2, byDay: ['2MO', { weekday: 'FR', ordinal: -1 }], until: '2026-12-31T23:59:59Z', wkst: 'SU' };
    // Act
    const fromText = validateRule(text, newYork, 'rule');
    const fromObject = validateRule(object, newYork, 'rule');
    // Assess
    expect(fromText.errors).toEqual([]);
    expect(fromObject.rule).toEqual(fromText.rule);
    expect(fromText.rule).toEqual({
      freq: 'MONTHLY',
      interval: 2,
      byDay: [
        { weekday: 'MO', ordinal: 2 },
        { weekday: 'FR', ordinal: -1 },
      ],
      until: '2026-12-31T23:59:59Z',
      wkst: 'SU',
    });
    expect(validateRule(formatRule(fromText.rule!), newYork, 'rule').rule).toEqual(fromText.rule);
  });

  it('documents (for /openapi.json) a shape that admits both forms and no unknown part', () => {
    const object = { freq: 'MONTHLY', interval: 2, byDay: ['2MO', { weekday: 'FR', ordinal: -1 }], until: '2026-12-31T23:59:59Z', wkst: 'SU' };
    expect(recurrenceInputSchema().safeParse({ rule: object, exdates: ['2026-03-09T09:00'] }).success).toBe(true);
    expect(recurrenceInputSchema().safeParse({ rule: 'FREQ=WEEKLY' }).success).toBe(true);
    expect(recurrenceInputSchema().safeParse({ rule: { freq: 'WEEKLY', byHour: [9] } }).success).toBe(false);
    expect(recurrenceInputSchema().safeParse({ rule: { freq: 'HOURLY' } }).success).toBe(false);
  });

  it('reads a date UNTIL on a timed series as the end of that day in its zone', () => {
    expect(validateRule('FREQ=DAILY;UNTIL=20261231', newYork, 'rule').rule?.until).toBe('2027-01-01T04:59:59Z');
  });

  it('derives the last occurrence of a COUNT rule once, so a late window need not count from the start', () => {
    const series = seriesOf('FREQ=WEEKLY;BYDAY=MO,TH;COUNT=5');
    expect(series.recurrence.lastRecurrenceId).toBe('2026-03-16T09:00:00');
    const counted: Series = { ...series, recurrence: { ...series.recurrence, lastRecurrenceId: undefined } };
    expect(starts(series, '2026-03-10T00:00:00Z', '2026-04-30T00:00:00Z')).toEqual(starts(counted, '2026-03-10T00:00:00Z', '2026-04-30T00:00:00Z'));
    expect(starts(series, '2026-03-10T00:00:00Z', '2026-04-30T00:00:00Z')).toEqual(['2026-03-12T13:00:00.000Z', '2026-03-16T13:00:00.000Z']);
  });
});

describe('refusing what we do not expand, naming the field', () => {
  const month: Schedule = { type: 'month', month: '2026-07', timeZone: 'Asia/Muscat' };
  const cases: [string, unknown, Schedule, string, string][] = [
    ['an hourly rule', 'FREQ=HOURLY', newYork, 'schedule.recurrence.rule', 'unsupported'],
    ['BYHOUR', 'FREQ=WEEKLY;BYHOUR=9', newYork, 'schedule.recurrence.rule', 'unsupported'],
    ['an unknown part', 'FREQ=WEEKLY;X-PRIORITY=1', newYork, 'schedule.recurrence.rule', 'unsupported'],
    ['another calendar scale', 'RSCALE=HEBREW;FREQ=YEARLY', newYork, 'schedule.recurrence.rule', 'unsupported'],
    ['an ordinal in a weekly rule', 'FREQ=WEEKLY;BYDAY=2MO', newYork, 'schedule.recurrence.rule', 'invalid_value'],
    ['COUNT with UNTIL', 'FREQ=DAILY;COUNT=3;UNTIL=20261231T000000Z', newYork, 'schedule.recurrence.rule', 'invalid_value'],
    ['a COUNT above the cap', 'FREQ=DAILY;COUNT=5000', newYork, 'schedule.recurrence.rule', 'out_of_range'],
    ['a rule that never occurs', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30', newYork, 'schedule.recurrence.rule', 'invalid_value'],
    ['an UNTIL before the start (audit F12)', 'FREQ=DAILY;UNTIL=20200101T000000Z', newYork, 'schedule.recurrence.rule', 'invalid_value'],
    ['an UNTIL a second before the start', { freq: 'DAILY', until: '2026-03-02T13:59:59Z' }, newYork, 'schedule.recurrence.rule.until', 'invalid_value'],
    ['an all-day UNTIL the day before', 'FREQ=DAILY;UNTIL=20260630', { type: 'allDay', startDate: '2026-07-01', endDate: '2026-07-01' }, 'schedule.recurrence.rule', 'invalid_value'],
    ['a month-only UNTIL in the month before', { freq: 'MONTHLY', until: '2026-06-30' }, month, 'schedule.recurrence.rule.until', 'invalid_value'],
    ['SKIP without RSCALE', 'FREQ=MONTHLY;SKIP=BACKWARD', newYork, 'schedule.recurrence.rule', 'invalid_value'],
    ['a part twice', 'FREQ=DAILY;FREQ=WEEKLY', newYork, 'schedule.recurrence.rule', 'invalid_value'],
    ['an unknown object part', { freq: 'WEEKLY', byHour: [9] }, newYork, 'schedule.recurrence.rule.byHour', 'unsupported'],
    ['a zero COUNT', { freq: 'DAILY', count: 0 }, newYork, 'schedule.recurrence.rule.count', 'out_of_range'],
    ['a missing FREQ', { interval: 2 }, newYork, 'schedule.recurrence.rule.freq', 'required'],
    ['a day chosen in a month-only series', 'FREQ=MONTHLY;BYDAY=MO', month, 'schedule.recurrence.rule', 'unsupported'],
    ['a weekly month-only series', { freq: 'WEEKLY' }, month, 'schedule.recurrence.rule.freq', 'unsupported'],
    ['a Hijri weekday', 'RSCALE=ISLAMIC-UMALQURA;FREQ=MONTHLY;BYDAY=FR', newYork, 'schedule.recurrence.rule', 'unsupported'],
  ];
  for (const [name, rule, schedule, field, code] of cases) {
    it(`refuses ${name}`, () => {
      const { recurrence, errors } = normalizeRecurrence({ rule }, schedule);
      expect(recurrence).toBeUndefined();
      expect(errors.map((e) => [e.field, e.code])).toContainEqual([field, code]);
      expect(errors.every((e) => e.message.length > 0)).toBe(true);
    });
  }

  it('refuses an UNTIL before the start as a rule that would never occur, and keeps one at the start: DTSTART alone (audit F12)', () => {
    const { errors } = normalizeRecurrence({ rule: 'FREQ=DAILY;UNTIL=20200101T000000Z' }, newYork);
    expect(errors).toEqual([{ field: 'schedule.recurrence.rule', code: 'invalid_value', message: expect.stringContaining('would never occur') }]);
    const single = seriesOf('FREQ=DAILY;UNTIL=20260302T140000Z');
    expect(starts(single, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z')).toEqual(['2026-03-02T14:00:00.000Z']);
  });

  it('names each bad EXDATE and unknown field, and a wall time a DST jump skips', () => {
    const { errors } = normalizeRecurrence({ rule: 'FREQ=DAILY', exdates: ['2026-03-03T09:00', 'tuesday', '2026-03-08T02:30'], extra: 1 }, newYork);
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ['schedule.recurrence.extra', 'unknown_field'],
      ['schedule.recurrence.exdates.1', 'invalid_format'],
      ['schedule.recurrence.exdates.2', 'invalid_format'],
    ]);
  });

  it('reports every unsupported part of a string, not just the first', () => {
    expect(parseRuleString('FREQ=DAILY;BYHOUR=1;BYMINUTE=2', 'rule').errors.map((e) => e.message)).toEqual(['BYHOUR is not supported', 'BYMINUTE is not supported']);
  });
});

describe('expansion', () => {
  afterEach(() => vi.restoreAllMocks());

  it("keeps the organizer's wall time across both DST changes of a year", () => {
    const found = occurrences(seriesOf('FREQ=WEEKLY'), { from: at('2026-01-01T00:00:00Z'), to: at('2027-01-01T00:00:00Z') });
    expect(found).toHaveLength(44);
    expect(new Set(found.map((o) => (o.schedule.type === 'timed' ? o.schedule.start.slice(11) : '')))).toEqual(new Set(['09:00:00']));
    expect(new Set(found.map((o) => o.start.slice(11, 13)))).toEqual(new Set(['13', '14']));
  });

  it('ignores, and does not count, an occurrence whose wall time a DST jump skips (RFC 5545 §3.3.10)', () => {
    const london: Schedule = { type: 'timed', start: '2026-03-22T01:30', end: '2026-03-22T02:00', timeZone: 'Europe/London' };
    const series = seriesOf('FREQ=WEEKLY;COUNT=3', london);
    expect(occurrences(series, { from: at('2026-03-01T00:00:00Z'), to: at('2026-05-01T00:00:00Z') }).map((o) => o.recurrenceId)).toEqual(['2026-03-22T01:30:00', '2026-04-05T01:30:00', '2026-04-12T01:30:00']);
  });

  it('lists a DTSTART the rule does not match as the first occurrence, and counts it (RFC 5545 §3.8.5.3)', () => {
    const kuwait: Schedule = { type: 'timed', start: '2026-01-05T10:00', end: '2026-01-05T11:00', timeZone: 'Asia/Kuwait' };
    const series = seriesOf('FREQ=MONTHLY;BYDAY=-1FR;COUNT=2', kuwait);
    expect(occurrences(series, { from: at('2026-01-01T00:00:00Z'), to: at('2027-01-01T00:00:00Z') }).map((o) => o.recurrenceId)).toEqual(['2026-01-05T10:00:00', '2026-01-30T10:00:00']);
  });

  it('costs what the window holds: a 2026 window of a series begun in 2000 takes a handful of library steps', () => {
    // Prepare
    const steps = vi.spyOn(ICAL.RecurIterator.prototype, 'next');
    const old = seriesOf('FREQ=MONTHLY;BYDAY=-1FR', { type: 'timed', start: '2000-01-28T10:00', end: '2000-01-28T11:00', timeZone: 'Asia/Kuwait' });
    // Act
    const found = starts(old, '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
    // Assess
    expect(found).toEqual(['2026-03-27T07:00:00.000Z']);
    expect(steps.mock.calls.length).toBeLessThan(6);
    steps.mockClear();
    starts(old, '2000-01-01T00:00:00Z', '2026-04-01T00:00:00Z', { limit: 10_000 });
    expect(steps.mock.calls.length).toBeGreaterThan(300);
  });

  it('gives, from a late window, exactly what expanding from the start gives (every rule of a varied set, every month of 2031)', () => {
    const rules = [
      'FREQ=DAILY;INTERVAL=3',
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SA;WKST=SU',
      'FREQ=WEEKLY;INTERVAL=3',
      'FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=31,-1',
      'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-1',
      'FREQ=YEARLY;INTERVAL=2;BYMONTH=3,9;BYDAY=-1SU',
      'FREQ=MONTHLY;INTERVAL=7',
      'FREQ=YEARLY;BYDAY=20MO',
    ];
    const schedule: Schedule = { type: 'timed', start: '2023-01-31T23:30', end: '2023-02-01T01:00', timeZone: 'Europe/London' };
    for (const rule of rules) {
      const series = seriesOf(rule, schedule);
      const all = occurrences(series, { from: at('2023-01-01T00:00:00Z'), to: at('2032-01-01T00:00:00Z') }, { limit: 100_000 });
      for (let month = 0; month < 12; month++) {
        const [from, to] = [Date.UTC(2031, month, 1), Date.UTC(2031, month + 1, 1)];
        const expected = all.filter((o) => Date.parse(o.start) < to && Date.parse(o.end) > from);
        expect(occurrences(series, { from, to }), `${rule}, month ${month + 1}`).toEqual(expected);
      }
    }
  });

  it('repeats a month-only series by month, spanning each month in its zone', () => {
    const series = seriesOf('FREQ=YEARLY;BYMONTH=1,7', { type: 'month', month: '2026-07', timeZone: 'Asia/Muscat' });
    const found = occurrences(series, { from: at('2027-01-01T00:00:00Z'), to: at('2028-01-01T00:00:00Z') });
    expect(found.map((o) => [o.recurrenceId, o.start, o.end])).toEqual([
      ['2027-01', '2026-12-31T20:00:00.000Z', '2027-01-31T20:00:00.000Z'],
      ['2027-07', '2027-06-30T20:00:00.000Z', '2027-07-31T20:00:00.000Z'],
      ['2028-01', '2027-12-31T20:00:00.000Z', '2028-01-31T20:00:00.000Z'],
    ]);
  });

  it('lists a multi-day all-day occurrence that began before the window', () => {
    const series = seriesOf('FREQ=MONTHLY', { type: 'allDay', startDate: '2026-01-30', endDate: '2026-02-02' });
    expect(occurrences(series, { from: at('2026-05-01T00:00:00Z'), to: at('2026-05-02T00:00:00Z') }).map((o) => o.schedule)).toEqual([{ type: 'allDay', startDate: '2026-04-30', endDate: '2026-05-03' }]);
  });

  it('applies overrides: a cancelled occurrence goes (or is flagged), one moved into the window comes, one moved out goes, one retitled keeps its time', () => {
    const base = seriesOf('FREQ=WEEKLY');
    const moved = (start: string, end: string): Schedule => ({ ...newYork, start, end }) as Schedule;
    const series: Series = {
      ...base,
      overrides: [
        { recurrenceId: '2026-03-09T09:00:00', cancelled: true },
        { recurrenceId: '2026-03-30T09:00:00', schedule: moved('2026-03-20T15:00', '2026-03-20T16:00') },
        { recurrenceId: '2026-03-16T09:00:00', schedule: moved('2026-04-20T09:00', '2026-04-20T10:00') },
        { recurrenceId: '2026-03-23T09:00:00' },
      ],
    };
    const window = { from: at('2026-03-01T00:00:00Z'), to: at('2026-03-28T00:00:00Z') };
    expect(occurrences(series, window).map((o) => [o.recurrenceId, o.start, o.overridden ?? false])).toEqual([
      ['2026-03-02T09:00:00', '2026-03-02T14:00:00.000Z', false],
      ['2026-03-30T09:00:00', '2026-03-20T19:00:00.000Z', true],
      ['2026-03-23T09:00:00', '2026-03-23T13:00:00.000Z', true],
    ]);
    expect(
      occurrences(series, window, { includeCancelled: true })
        .filter((o) => o.cancelled)
        .map((o) => o.recurrenceId),
    ).toEqual(['2026-03-09T09:00:00']);
  });

  it('gives an endless series without an end a one-year horizon, and stops at the limit', () => {
    const daily = seriesOf('FREQ=DAILY');
    const found = starts(daily, '2030-01-01T00:00:00Z');
    expect(found.length).toBe(DEFAULT_HORIZON_DAYS);
    expect(found.at(-1)! < new Date(at('2030-01-01T00:00:00Z') + DEFAULT_HORIZON_DAYS * 86_400_000).toISOString()).toBe(true);
    expect(starts(daily, '2030-01-01T00:00:00Z', undefined, { limit: 5 })).toHaveLength(5);
  });

  it('adds RDATEs and removes EXDATEs, an EXDATE on an RDATE included', () => {
    const series = seriesOf('FREQ=MONTHLY;COUNT=2', newYork, { rdates: ['2026-03-10T17:00', '2026-03-11T17:00'], exdates: ['2026-04-02T09:00', '2026-03-11T17:00'] });
    const recurrence: Recurrence = series.recurrence;
    expect(recurrence.rdates).toEqual(['2026-03-10T17:00:00', '2026-03-11T17:00:00']);
    expect(occurrences(series, { from: at('2026-01-01T00:00:00Z'), to: at('2027-01-01T00:00:00Z') }).map((o) => o.recurrenceId)).toEqual(['2026-03-02T09:00:00', '2026-03-10T17:00:00']);
  });
});
