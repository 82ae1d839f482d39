/**
 * Occurrences of series in the month buckets (docs/decisions/0017-recurrence-in-views.md, "Views as built").
 * A series' own item leaves the buckets; each occurrence in its materialized range is a small item of its own
 * (`pk` = `<stream>#<recurrenceId>`) in the bucket of the month it starts, with span items for later months as
 * 0012 gives events. The range is recorded on the series' item; a series that goes on past it (or began before
 * it) gets an index item, so a list whose window leaves the range expands only those series, over the window.
 */
import type { CalendarEvent } from '#domain/event';
import { seriesOf } from '#domain/event';
import { occurrences, type Occurrence } from '#domain/recurrence';
import { utcRange } from '#domain/schedule';
import { seriesEnd } from '#feeds/series';
import { MAX_LISTED_MONTHS, monthOf, monthsOverlapping, monthStart, shardOf, spanItems, type ViewItem } from './items.ts';
import { SEARCH_VERSION, searchTextOf } from './search-text.ts';

/** Occurrences are materialized up to the start of the month this many months after the current one. */
export const MATERIALIZED_MONTHS_AHEAD = 24;

/** Where a series' occurrence items start and stop (instants, ISO): occurrences starting in [from, to). */
export interface MaterializedRange {
  from: string;
  to: string;
}

/** Index partitions (in place of a month) of series whose occurrences go on after (`after`) or began before (`before`) their range. */
export const BEYOND = { after: 'after', before: 'before' } as const;

const addMonths = (month: string, n: number): string => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
};
const iso = (instant: string) => new Date(Date.parse(instant)).toISOString();

/**
 * The range to materialize a series in at `now`: from its start (at most MAX_LISTED_MONTHS before now) to
 * MATERIALIZED_MONTHS_AHEAD months ahead. The end never moves back (items written ahead stay right); the start
 * moves on with the clock, so a projection of a series of any age handles at most MAX_LISTED_MONTHS +
 * MATERIALIZED_MONTHS_AHEAD months: items that fall behind the start are removed by the projector's diff, and
 * windows before it are expanded on read like windows after the end.
 */
export function materializedRange(event: CalendarEvent, now: Date, previous?: MaterializedRange): MaterializedRange {
  const current = monthOf(now.toISOString());
  const ahead = monthStart(addMonths(current, MATERIALIZED_MONTHS_AHEAD + 1));
  const floor = monthStart(addMonths(current, -MAX_LISTED_MONTHS));
  const start = utcRange(event.schedule).start;
  const to = previous && previous.to > ahead ? previous.to : ahead;
  return { from: [start, floor].sort().at(-1)!, to };
}

/** The range recorded on a series' item, if any. */
export function rangeOf(item: Pick<ViewItem, 'materializedFrom' | 'materializedTo'> | undefined): MaterializedRange | undefined {
  return item?.materializedFrom && item.materializedTo ? { from: item.materializedFrom, to: item.materializedTo } : undefined;
}

/** The occurrence items, their span items and the series' index items of a series in a range; none for a single event. */
export function materializedItems(streamId: string, event: CalendarEvent | undefined, range: MaterializedRange | undefined): ViewItem[] {
  if (!event?.schedule.recurrence || !range) return [];
  // The stored state's items are the ones the last projection of this stream built: a warm function expands once.
  const { version: _version, updatedAt: _updatedAt, ...content } = event;
  const key = JSON.stringify([streamId, range, content]);
  const items = recentlyBuilt.get(key) ?? buildItems(streamId, event, range);
  recentlyBuilt.delete(key);
  recentlyBuilt.set(key, items);
  if (recentlyBuilt.size > RECENTLY_BUILT) recentlyBuilt.delete(recentlyBuilt.keys().next().value!);
  return items.map((item) => ({ ...item, lastAppliedVersion: event.version }));
}

const RECENTLY_BUILT = 64;
const recentlyBuilt = new Map<string, ViewItem[]>();

function buildItems(streamId: string, event: CalendarEvent, range: MaterializedRange): ViewItem[] {
  const series = seriesOf(event);
  if (!series) return [];
  const [from, to] = [Date.parse(range.from), Date.parse(range.to)];
  const found = occurrences(series, { from, to }, { includeCancelled: true, limit: Number.MAX_SAFE_INTEGER }).filter((o) => Date.parse(o.start) >= from && Date.parse(o.start) < to);
  const items = found.flatMap((occurrence) => {
    const item = occurrenceItem(streamId, event, occurrence);
    return [item, ...spanItems(item)];
  });
  return [...items, ...indexItems(streamId, event, range)];
}

/** Where an occurrence item or span item of a series lives: `<stream>#<recurrenceId>`. */
export const occurrenceKey = (streamId: string, recurrenceId: string): string => `${streamId}#${recurrenceId}`;

/** Which occurrence a row is (0017's list row shape, agreed with the page). */
export interface OccurrenceRef {
  seriesId: string;
  recurrenceId: string;
  overridden: boolean;
  cancelled: boolean;
}

/**
 * One occurrence as a list row: the series as lists show events, with the occurrence's schedule (no recurrence),
 * the override's fields and the occurrence's status, plus `occurrence` and `series.recurrence` (as the series'
 * own representation writes it). The series' list of overrides stays on the series.
 */
export function occurrenceRow(series: CalendarEvent, occurrence: Occurrence, status: string): Record<string, unknown> {
  const override = series.overrides?.find((o) => o.recurrenceId === occurrence.recurrenceId);
  const { overrides: _overrides, cancelReason: _reason, cancelledAt: _at, ...shown } = series;
  const { lastRecurrenceId: _derived, ...recurrence } = (series.schedule.recurrence ?? {}) as Record<string, unknown>;
  const cancelled = Boolean(occurrence.cancelled);
  const reason = cancelled ? override?.reason : series.cancelReason;
  const ref: OccurrenceRef = { seriesId: series.id, recurrenceId: occurrence.recurrenceId, overridden: Boolean(override?.schedule || override?.fields), cancelled };
  return {
    ...shown,
    ...override?.fields,
    id: series.id,
    schedule: occurrence.schedule,
    status,
    ...(status === 'cancelled' && reason ? { cancelReason: reason } : {}),
    ...(!cancelled && series.cancelledAt ? { cancelledAt: series.cancelledAt } : {}),
    occurrence: ref,
    series: { recurrence },
  };
}

/**
 * The item that lists one occurrence (also built on read for occurrences beyond the range, never stored then). Its
 * doc is the row itself, so a list reads one item a row, as for single events (0017, "Views as built").
 */
export function occurrenceItem(streamId: string, event: CalendarEvent, occurrence: Occurrence): ViewItem {
  const override = event.overrides?.find((o) => o.recurrenceId === occurrence.recurrenceId);
  const status = occurrence.cancelled || event.status === 'cancelled' ? 'cancelled' : event.status;
  const title = (override?.fields?.title ?? event.title) as CalendarEvent['title'];
  const months = monthsOverlapping(occurrence.start, occurrence.end);
  return {
    pk: occurrenceKey(streamId, occurrence.recurrenceId),
    sortKey: `${occurrence.start}#${event.id}#${occurrence.recurrenceId}`,
    lastAppliedVersion: event.version,
    doc: occurrenceRow(event, occurrence, status),
    calendar: event.calendar,
    startUtc: occurrence.start,
    endUtc: occurrence.end,
    status,
    visibility: event.visibility,
    tags: event.tags,
    searchText: searchTextOf({ title }),
    searchVersion: SEARCH_VERSION,
    calendarMonth: `${event.calendar}#${months[0]}`,
    month: `${months[0]}#${shardOf(event.id)}`,
    months,
  };
}

/** What a reader needs to expand a series outside its range: the range and the series' bounds (the doc is fetched). */
export interface IndexDoc {
  id: string;
  from: string;
  to: string;
  start: string;
}

/**
 * A series enters `<calendar>#after` (sort key: where its range stops) when it has occurrences after its range,
 * and `<calendar>#before` (sort key: where its range starts) when it began before its range. `endUtc` is its last
 * end (or the endless sentinel), so a window after it ends is filtered out.
 */
function indexItems(streamId: string, event: CalendarEvent, range: MaterializedRange): ViewItem[] {
  const start = utcRange(event.schedule).start;
  const end = iso(seriesEnd(event));
  const doc: IndexDoc = { id: event.id, from: range.from, to: range.to, start };
  const item = (side: keyof typeof BEYOND, bound: string): ViewItem => ({
    pk: `${streamId}@${side}`,
    sortKey: `${bound}#${event.id}`,
    lastAppliedVersion: event.version,
    doc: doc as unknown as Record<string, unknown>,
    calendar: event.calendar,
    endUtc: end,
    visibility: event.visibility,
    calendarMonth: `${event.calendar}#${BEYOND[side]}`,
    month: `${BEYOND[side]}#${shardOf(event.id)}`,
  });
  return [...(end > range.to ? [item('after', range.to)] : []), ...(start < range.from ? [item('before', range.from)] : [])];
}

/** What a series' items add to its scopes' directories: the months they are listed in, and the months its range stops or starts in. */
export function directoryEntries(items: readonly ViewItem[]): { months: string[]; after: string[]; before: string[] } {
  const index = (side: keyof typeof BEYOND) => items.filter((item) => item.calendarMonth?.endsWith(`#${BEYOND[side]}`)).map((item) => monthOf(item.sortKey));
  return { months: [...new Set(items.flatMap((item) => item.months ?? []))].sort(), after: index('after'), before: index('before') };
}
