/** The calendar aggregate: a named collection of events with a default language and time zone. */
import type { CalendarChange, Recorded } from './changes.ts';
import { jsonEqual } from './merge-patch.ts';
import type { CalendarInput } from './schemas.ts';

export interface Calendar extends CalendarInput {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type CalendarState = Calendar | undefined;

export function evolveCalendar(state: CalendarState, change: Recorded<CalendarChange>): CalendarState {
  const id = change.streamId.slice('calendar#'.length);
  const createdAt = state?.createdAt ?? change.at;
  return { id, ...change.data, version: change.version, createdAt, updatedAt: change.at };
}

/** PUT semantics: create, replace, or nothing when the calendar already says exactly this. */
export function decideCalendarPut(input: CalendarInput, state: CalendarState): CalendarChange[] {
  if (!state) return [{ type: 'calendar.created', data: input }];
  const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...current } = state;
  return jsonEqual(current, input) ? [] : [{ type: 'calendar.updated', data: input }];
}
