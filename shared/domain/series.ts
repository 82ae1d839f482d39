/**
 * recur (#14): decisions on one occurrence of a series, and "this and following" (docs/decisions/0017).
 * Pure, like event.ts; it carries the expansion (ical.js, Intl), so only the functions that change series
 * import it.
 */
import { safeParse } from 'zod/mini';
import { occurrenceFields, type EventChange, type OccurrenceFields } from './changes.ts';
import { DomainError } from './errors.ts';
import { editableView, seriesOf, type CalendarEvent, type SeriesSupport } from './event.ts';
import { isPlainObject, jsonEqual, mergePatch } from './merge-patch.ts';
import { normalizeId } from './recurrence-normalize.ts';
import { explicitRule } from './recurrence-expand.ts';
import { seriesShape } from './recurrence-shape.ts';
import { sameSchedule } from './schedule.ts';
import { normalizeRecurrence, occurrences, ruleIds, type Occurrence, type OccurrenceOverride, type Recurrence, type Series } from './recurrence.ts';
import { eventFieldsSchema, type CreateEventInput, type Schedule } from './schemas.ts';
import { addDays } from './time.ts';
import { toFieldErrors } from './validation.ts';

/** A series keeps at most this many changed occurrences (like EXDATE and RDATE), so it stays one small item. */
export const MAX_OVERRIDES = 500;

/** What decide needs of the expansion; the commands that change events pass it in. */
export const seriesSupport: SeriesSupport = { normalize: normalizeRecurrence, isOccurrence: (series, id) => occurrenceOf(series, id) !== undefined };

/** The occurrence with this recurrence id as the series makes it (rule, RDATE, less EXDATE; overrides not applied), or undefined. */
export function occurrenceOf(series: Series, recurrenceId: string): Occurrence | undefined {
  const range = seriesShape(series.schedule).range(recurrenceId);
  if (!range) return undefined;
  return occurrences({ ...series, overrides: [] }, { from: range.start, to: range.start + 1 }).find((o) => o.recurrenceId === recurrenceId);
}

export type OccurrenceCommand = { type: 'change'; recurrenceId: string; patch: Record<string, unknown> } | { type: 'cancel'; recurrenceId: string; reason?: string } | { type: 'restore'; recurrenceId: string };

const notFound = () => new DomainError('not_found', 'event not found', [{ field: 'path.id', code: 'not_found', message: 'no such event' }]);

/** The series and the occurrence a request names, or the 4xx saying why there is none. */
export function seriesAndOccurrence(state: CalendarEvent | undefined, recurrenceIdText: string): { state: CalendarEvent; series: Series; recurrenceId: string; occurrence: Occurrence } {
  if (!state) throw notFound();
  if (state.status === 'cancelled') throw new DomainError('conflict', 'the event is cancelled and can no longer be changed', [{ field: 'path.id', code: 'conflict', message: 'is cancelled' }]);
  const series = seriesOf(state);
  if (!series) throw new DomainError('unprocessable', 'the event is not a series', [{ field: 'path.id', code: 'invalid_value', message: 'is a single event: change it with PATCH /events/{id}' }]);
  const recurrenceId = normalizeId(recurrenceIdText, series.schedule);
  const occurrence = recurrenceId === undefined ? undefined : occurrenceOf(series, recurrenceId);
  if (!recurrenceId || !occurrence) {
    throw new DomainError('not_found', `the series has no occurrence ${recurrenceIdText}`, [
      { field: 'path.recurrenceId', code: 'not_found', message: 'no occurrence of the series has this recurrence id (its original local start: a date-time, a date or a month)' },
    ]);
  }
  return { state, series, recurrenceId, occurrence };
}

/** decide for one occurrence: its changes on the series' stream (none when it is already so). */
export function decideOccurrence(command: OccurrenceCommand, current: CalendarEvent | undefined): EventChange[] {
  const { state, recurrenceId, occurrence } = seriesAndOccurrence(current, command.recurrenceId);
  const override = state.overrides?.find((o) => o.recurrenceId === recurrenceId);
  if (!override && (state.overrides?.length ?? 0) >= MAX_OVERRIDES) {
    throw new DomainError('unprocessable', `a series keeps at most ${MAX_OVERRIDES} changed occurrences`, [
      { field: 'path.recurrenceId', code: 'too_many', message: `the series already has ${MAX_OVERRIDES} changed occurrences: split it` },
    ]);
  }
  switch (command.type) {
    case 'cancel':
      return override?.cancelled ? [] : [{ type: 'occurrence.cancelled', data: { recurrenceId, ...(command.reason ? { reason: command.reason } : {}) } }];
    case 'restore':
      return override ? [{ type: 'occurrence.restored', data: { recurrenceId } }] : [];
    case 'change':
      if (override?.cancelled) throw new DomainError('conflict', 'the occurrence is cancelled', [{ field: 'path.recurrenceId', code: 'conflict', message: 'is cancelled: restore it first' }]);
      return decideOccurrencePatch(state, recurrenceId, override?.schedule ?? occurrence.schedule, override, command.patch);
  }
}

function decideOccurrencePatch(state: CalendarEvent, recurrenceId: string, schedule: Schedule, override: OccurrenceOverride | undefined, patch: Record<string, unknown>): EventChange[] {
  const seriesFields = Object.fromEntries(occurrenceFields.filter((f) => state[f] !== undefined).map((f) => [f, state[f]]));
  const current: Record<string, unknown> = { ...seriesFields, ...override?.fields };
  const schedulePatch = patch.schedule;
  if (isPlainObject(schedulePatch) && schedulePatch.recurrence !== undefined) {
    throw new DomainError('invalid', 'an occurrence does not recur', [{ field: 'schedule.recurrence', code: 'unsupported', message: 'an occurrence cannot recur: change the series (PATCH /events/{id}) or split it' }]);
  }
  if (isPlainObject(schedulePatch) && schedulePatch.type !== undefined && schedulePatch.type !== schedule.type) {
    throw new DomainError('invalid', 'an occurrence keeps the kind of schedule of its series', [{ field: 'schedule.type', code: 'invalid_value', message: `must stay "${schedule.type}", as the series` }]);
  }
  const merged = mergePatch({ ...current, schedule }, patch) as Record<string, unknown>;
  const parsed = safeParse(eventFieldsSchema(), merged, { reportInput: true });
  if (!parsed.success) throw new DomainError('invalid', 'the patched occurrence is not valid', toFieldErrors(parsed.error));
  const changes: EventChange[] = [];
  if (!sameSchedule(parsed.data.schedule, schedule)) changes.push({ type: 'occurrence.rescheduled', data: { recurrenceId, schedule: parsed.data.schedule, previous: schedule } });
  const fields: Record<string, unknown> = {};
  for (const field of occurrenceFields) {
    const value = parsed.data[field] ?? null;
    if (jsonEqual(value, current[field] ?? null)) continue;
    // null: as the series says (again); a value the series has anyway is not kept twice.
    fields[field] = jsonEqual(value, state[field] ?? null) ? null : value;
  }
  if (Object.keys(fields).length > 0) changes.push({ type: 'occurrence.updated', data: { recurrenceId, fields: fields as OccurrenceFields } });
  return changes;
}

/** "This and following": how series S ends and how S′ begins, from S as it stood before the split. */
export interface SeriesSplit {
  recurrenceId: string;
  /** The change on S. */
  ended: EventChange;
  /** S′ as POST /events would create it, and the changed occurrences it takes over. */
  input: CreateEventInput;
  carried: EventChange[];
}

/**
 * Splits series `state` at occurrence `recurrenceIdText` into S (ending before it) and a new series `newId`
 * with `patch` (a merge patch like PATCH /events/{id}) applied; undefined when the occurrence is the series'
 * first, where "this and following" is the whole series.
 */
export function decideSplit(current: CalendarEvent | undefined, recurrenceIdText: string, patch: Record<string, unknown>, newId: string): SeriesSplit | undefined {
  const { state, series, recurrenceId, occurrence } = seriesAndOccurrence(current, recurrenceIdText);
  const shape = seriesShape(series.schedule);
  if (recurrenceId === shape.idOf(shape.start)) return undefined;
  const { recurrence } = series;
  const ruleOnly = { ...series, recurrence: { ...recurrence, rdates: undefined } };
  if (!occurrenceOf(ruleOnly, recurrenceId)) {
    throw new DomainError('unprocessable', 'only an occurrence the rule makes can start the following ones', [
      { field: 'path.recurrenceId', code: 'unsupported', message: 'is an added date (RDATE): change it alone, or split at an occurrence of the rule' },
    ]);
  }
  const before = (ids: string[] | undefined) => ids?.filter((id) => id < recurrenceId);
  const from = (ids: string[] | undefined) => ids?.filter((id) => id >= recurrenceId);
  const { count: _count, ...endless } = recurrence.rule;
  const ended: Recurrence = compact({ rule: { ...endless, until: untilBefore(series.schedule, occurrence) }, exdates: before(recurrence.exdates), rdates: before(recurrence.rdates) });
  // COUNT goes on with what S did not use; the rule made explicit keeps its phase when DTSTART moves to R.
  const kept = recurrence.rule.count === undefined ? 0 : [...ruleIds(recurrence, shape, shape.start)].filter((id) => id < recurrenceId).length;
  const rule = recurrence.rule.rscale === 'ISLAMIC-UMALQURA' ? recurrence.rule : explicitRule(recurrence.rule, shape.start);
  const following = compact({ rule: recurrence.rule.count === undefined ? rule : { ...rule, count: recurrence.rule.count - kept }, exdates: from(recurrence.exdates), rdates: from(recurrence.rdates) });
  const firstSchedule = { ...occurrence.schedule, recurrence: following } as Schedule;
  const base = { ...editableView(state), schedule: firstSchedule };
  const schedulePatch = patch.schedule;
  const replacesSchedule = isPlainObject(schedulePatch) && schedulePatch.type !== undefined && schedulePatch.type !== firstSchedule.type;
  const merged = mergePatch(base, replacesSchedule ? { ...patch, schedule: null } : patch) as Record<string, unknown>;
  if (replacesSchedule) merged.schedule = schedulePatch;
  const parsed = safeParse(eventFieldsSchema(), merged, { reportInput: true });
  if (!parsed.success) throw new DomainError('invalid', 'the following occurrences would not be a valid series', toFieldErrors(parsed.error));
  const participants = state.participants.map(({ id: _id, ...participant }) => participant);
  const input = { ...parsed.data, calendar: state.calendar, ...(participants.length > 0 ? { participants } : {}) } as CreateEventInput;
  // Overrides keep their recurrence ids only if S′ keeps S's times and rule; otherwise they are left behind, as Google does.
  const keepsPhase = jsonEqual(merged.schedule, firstSchedule);
  const carried = keepsPhase ? (state.overrides ?? []).filter((o) => o.recurrenceId >= recurrenceId).flatMap((o) => overrideChanges(o, series)) : [];
  return { recurrenceId, ended: { type: 'event.series.ended', data: { recurrenceId, recurrence: ended, previous: recurrence, splitTo: newId } }, input, carried };
}

/** UNTIL just before occurrence R: a second before it (timed, as a UTC instant), or the day before (dates and months). */
function untilBefore(schedule: Schedule, occurrence: Occurrence): string {
  if (schedule.type === 'timed') return new Date(Date.parse(occurrence.start) - 1000).toISOString().replace('.000Z', 'Z');
  return addDays(schedule.type === 'month' ? `${occurrence.recurrenceId}-01` : occurrence.recurrenceId, -1);
}

/** The changes that give a new series the same changed occurrence. */
function overrideChanges(override: OccurrenceOverride, series: Series): EventChange[] {
  const { recurrenceId } = override;
  const changes: EventChange[] = [];
  if (override.schedule) changes.push({ type: 'occurrence.rescheduled', data: { recurrenceId, schedule: override.schedule, previous: occurrenceOf(series, recurrenceId)?.schedule ?? override.schedule } });
  if (override.fields) changes.push({ type: 'occurrence.updated', data: { recurrenceId, fields: override.fields } });
  if (override.cancelled) changes.push({ type: 'occurrence.cancelled', data: { recurrenceId, ...(override.reason ? { reason: override.reason } : {}) } });
  return changes;
}

function compact(recurrence: Recurrence): Recurrence {
  const out: Recurrence = { rule: recurrence.rule };
  if (recurrence.exdates?.length) out.exdates = recurrence.exdates;
  if (recurrence.rdates?.length) out.rdates = recurrence.rdates;
  return out;
}
