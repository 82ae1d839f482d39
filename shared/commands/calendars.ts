import { actorOf, type Principal } from '#auth/keys';
import { recordedBy, type Deps } from '#config/deps';
import { calendarAggregate, fold } from '#domain/aggregates';
import { decideCalendarPut, type Calendar } from '#domain/calendar';
import { streams } from '#domain/changes';
import { DomainError } from '#domain/errors';
import type { CalendarInput } from '#domain/schemas';
import { handle } from '#journal/handle';

export async function putCalendar(d: Deps, id: string, input: CalendarInput, principal: Principal): Promise<{ calendar: Calendar; created: boolean }> {
  const { state, recorded } = await handle(d.journal, streams.calendar(id), calendarAggregate, (s) => decideCalendarPut(input, s), recordedBy(d, actorOf(principal)));
  return { calendar: state!, created: recorded[0]?.type === 'calendar.created' };
}

export async function readCalendar(d: Deps, id: string): Promise<Calendar> {
  const calendar = fold(calendarAggregate, await d.journal.read(streams.calendar(id)));
  if (!calendar) throw new DomainError('not_found', `calendar ${id} not found`, [{ field: 'path.id', code: 'not_found', message: 'no such calendar' }]);
  return calendar;
}
