/** recur (#14): decide and evolve for one occurrence and for "this and following", on all-day and month series too. */
import { describe, expect, it } from 'vitest';
import { eventAggregate } from '#domain/aggregates';
import type { EventChange } from '#domain/changes';
import { decideEvent, type CalendarEvent } from '#domain/event';
import { decideOccurrence, decideSplit, seriesSupport, type OccurrenceCommand } from '#domain/series';
import type { CreateEventInput } from '#domain/schemas';
import { given } from '../../helpers/given.ts';

const created = (schedule: Record<string, unknown>): EventChange[] => {
  const input = { calendar: 'c', title: { en: 'Forum' }, schedule } as unknown as CreateEventInput;
  return decideEvent({ type: 'create', input, calendarExists: true, participantIds: [], series: seriesSupport }, undefined);
};

const yearlyLeapDay = created({ type: 'allDay', startDate: '2024-02-29', endDate: '2024-02-29', recurrence: { rule: 'FREQ=YEARLY' } });
const monthly = created({ type: 'month', month: '2026-01', timeZone: 'Asia/Muscat', recurrence: { rule: { freq: 'MONTHLY', interval: 3, count: 4 } } });

describe('one occurrence', () => {
  it('cancels the 29 February of a leap year and refuses a common year, which has none', () => {
    const series = given(eventAggregate, decideOccurrence, 'event#leap', yearlyLeapDay);
    series.when({ type: 'cancel', recurrenceId: '2028-02-29' } as OccurrenceCommand).then([{ type: 'occurrence.cancelled', data: { recurrenceId: '2028-02-29' } }]);
    series.when({ type: 'cancel', recurrenceId: '2027-02-28' } as OccurrenceCommand).thenFails('not_found', 'path.recurrenceId');
    series.when({ type: 'restore', recurrenceId: '2028-02-29' } as OccurrenceCommand).then([]);
  });

  it('moves a month-only occurrence to another month, keeping the kind of schedule', () => {
    const series = given(eventAggregate, decideOccurrence, 'event#m', monthly);
    series.when({ type: 'change', recurrenceId: '2026-04', patch: { schedule: { month: '2026-05' } } } as OccurrenceCommand).then([
      {
        type: 'occurrence.rescheduled',
        data: { recurrenceId: '2026-04', schedule: { type: 'month', month: '2026-05', timeZone: 'Asia/Muscat' }, previous: { type: 'month', month: '2026-04', timeZone: 'Asia/Muscat' } },
      },
    ]);
    series.when({ type: 'change', recurrenceId: '2026-04', patch: { schedule: { type: 'timed' } } } as OccurrenceCommand).thenFails('invalid', 'schedule.type');
    // COUNT=4 every 3 months: January, April, July, October; not the next January.
    series.when({ type: 'cancel', recurrenceId: '2027-01' } as OccurrenceCommand).thenFails('not_found', 'path.recurrenceId');
  });
});

describe('this and following', () => {
  it('ends a month series the day before the occurrence and continues with the COUNT it did not use', () => {
    const { state } = given(eventAggregate, decideOccurrence, 'event#m', monthly);
    const split = decideSplit(state as CalendarEvent, '2026-07', {}, 'next')!;
    expect(split.ended).toMatchObject({ type: 'event.series.ended', data: { recurrenceId: '2026-07', recurrence: { rule: { freq: 'MONTHLY', interval: 3, until: '2026-06-30' } }, splitTo: 'next' } });
    expect((split.ended.data as { recurrence: { rule: { count?: number } } }).recurrence.rule.count).toBeUndefined();
    expect(split.input.schedule).toEqual({ type: 'month', month: '2026-07', timeZone: 'Asia/Muscat', recurrence: { rule: { freq: 'MONTHLY', interval: 3, count: 2, byMonthDay: [1] } } });
  });

  it('is the whole series from its first occurrence', () => {
    const { state } = given(eventAggregate, decideOccurrence, 'event#m', monthly);
    expect(decideSplit(state as CalendarEvent, '2026-01', {}, 'next')).toBeUndefined();
  });
});
