/**
 * Recurring series: the normalized recurrence (rule + EXDATE + RDATE) of a schedule, and the expansion of
 * a series into the occurrences that overlap a window. Pure: no I/O, time passed in.
 *
 * Recurrence ids, EXDATE and RDATE are written the way the schedule writes its start: a local date-time in the
 * series' zone ("2026-03-09T09:00:00") for timed series, a date for all-day ones, a month ("2026-07") for
 * month-only ones; so an occurrence keeps the organizer's wall time across DST, as RFC 5545's TZID does.
 */
import { gregorianWalls, compareWall } from './recurrence-expand.ts';
import { hijriWalls } from './hijri.ts';
import type { OccurrenceFields } from './changes.ts';
import type { RecurrenceRule } from './recurrence-rule.ts';
import { seriesShape, type SeriesShape } from './recurrence-shape.ts';
import type { Schedule } from './schemas.ts';
import type { WallTime } from './time.ts';

export { formatRule, parseRuleString, MAX_COUNT, type RecurrenceRule, type RecurrenceRuleInput, type RuleFieldError } from './recurrence-rule.ts';
export { validateRule } from './recurrence-validate.ts';
export { normalizeRecurrence, MAX_DATES, type RecurrenceInput } from './recurrence-normalize.ts';

/** The normalized recurrence of a series. `lastRecurrenceId` is derived for COUNT rules so no window needs to count from the start. */
export interface Recurrence {
  rule: RecurrenceRule;
  exdates?: string[];
  rdates?: string[];
  lastRecurrenceId?: string;
}

/** One occurrence changed on its own: moved (a new schedule), retitled (fields) or cancelled. */
export interface OccurrenceOverride {
  recurrenceId: string;
  cancelled?: boolean;
  schedule?: Schedule;
  /** Fields this occurrence says differently from its series (title, description, location, url). */
  fields?: OccurrenceFields;
  reason?: string;
  /** iCalendar SEQUENCE of this occurrence's own VEVENT: rises when it is moved, cancelled or restored. */
  sequence?: number;
}

export interface Series {
  schedule: Schedule;
  recurrence: Recurrence;
  overrides?: OccurrenceOverride[];
}

export interface Occurrence {
  recurrenceId: string;
  schedule: Schedule;
  /** UTC instants, as `utcRange` gives for a single event. */
  start: string;
  end: string;
  overridden?: true;
  cancelled?: true;
}

/** Instants in ms. Without `to`, the window ends `horizonDays` after `from`. */
export interface OccurrenceWindow {
  from: number;
  to?: number;
}

export interface OccurrenceOptions {
  /** Stop after this many occurrences (default MAX_OCCURRENCES); ask for one more than a page to know there is a next. */
  limit?: number;
  horizonDays?: number;
  includeCancelled?: boolean;
}

/** The horizon of a request without an end: one year, enough for a year view, bounded for an endless series. */
export const DEFAULT_HORIZON_DAYS = 366;
export const MAX_OCCURRENCES = 1000;
/** Feeds write a Hijri series as explicit RDATEs this many years ahead (calendar apps ignore RSCALE). */
export const HIJRI_FEED_HORIZON_YEARS = 10;
const DAY_MS = 86_400_000;

/** Wall times the rule generates, in order: DTSTART first, then from shortly before `notBefore` when nothing needs counting. */
export function ruleWalls(recurrence: Recurrence, shape: SeriesShape, notBefore: WallTime): Generator<WallTime> {
  const rule = recurrence.lastRecurrenceId ? { ...recurrence.rule, count: undefined } : recurrence.rule;
  return rule.rscale === 'ISLAMIC-UMALQURA' ? hijriWalls(rule, shape.start, notBefore) : gregorianWalls(rule, shape.start, notBefore, shape.isDate);
}

/** Recurrence ids the rule itself generates (not RDATE) between notBefore and stopAfter, honouring COUNT and UNTIL. */
export function* ruleIds(recurrence: Recurrence, shape: SeriesShape, notBefore: WallTime, stopAfter?: WallTime): Generator<string> {
  const { count, until } = recurrence.rule;
  const last = recurrence.lastRecurrenceId;
  let counted = 0;
  for (const wall of ruleWalls(recurrence, shape, notBefore)) {
    if (stopAfter && compareWall(wall, stopAfter) > 0) return;
    const id = shape.idOf(wall);
    if (last !== undefined && shape.compareIds(id, last) > 0) return;
    if (until !== undefined && shape.isAfterUntil(wall, until)) return;
    // RFC 5545 3.3.10: a generated local time that does not exist (a DST gap) is ignored and not counted.
    if (!shape.range(id)) continue;
    if (count !== undefined && last === undefined && ++counted > count) return;
    yield id;
  }
}

/**
 * The occurrences of a series that overlap [from, to), in start order: the rule's, plus RDATEs, less EXDATEs,
 * with overrides applied (an occurrence moved into the window appears; a cancelled one only on request).
 * Cost is bounded by the window: expansion starts one period before it, never at the series' start.
 */
export function occurrences(series: Series, window: OccurrenceWindow, options: OccurrenceOptions = {}): Occurrence[] {
  const shape = seriesShape(series.schedule);
  const to = window.to ?? window.from + (options.horizonDays ?? DEFAULT_HORIZON_DAYS) * DAY_MS;
  const notBefore = shape.wallAt(window.from - shape.longestMs - 2 * DAY_MS);
  const stopAfter = shape.wallAt(to + 2 * DAY_MS);
  const ids = new Set(ruleIds(series.recurrence, shape, notBefore, stopAfter));
  // Ids sort as their wall times do, so RDATEs far from the window are passed over without a zone conversion.
  const [low, high] = [shape.idOf(notBefore), shape.idOf(stopAfter)];
  for (const id of series.recurrence.rdates ?? []) if (id >= low && id <= high) ids.add(id);
  for (const id of series.recurrence.exdates ?? []) ids.delete(id);
  const overrides = new Map((series.overrides ?? []).map((o) => [o.recurrenceId, o]));
  const found: Occurrence[] = [];
  const add = (occurrence: Occurrence | undefined) => {
    // An instant at `from` is in the window (RFC 4791 §9.9), as the materialized rows are listed.
    if (occurrence && Date.parse(occurrence.start) < to && (Date.parse(occurrence.end) > window.from || Date.parse(occurrence.start) === window.from)) found.push(occurrence);
  };
  for (const id of ids) if (!overrides.has(id)) add(shape.occurrence(id));
  for (const override of overrides.values()) {
    if (override.cancelled) {
      if (options.includeCancelled) add(withCancelled(shape.occurrence(override.recurrenceId)));
    } else {
      // An override may change only the text (no schedule): the occurrence keeps its time, marked as overridden.
      const occurrence = shape.occurrence(override.recurrenceId, override.schedule);
      add(occurrence && { ...occurrence, overridden: true });
    }
  }
  found.sort((a, b) => a.start.localeCompare(b.start) || a.recurrenceId.localeCompare(b.recurrenceId));
  return found.slice(0, options.limit ?? MAX_OCCURRENCES);
}

const withCancelled = (occurrence: Occurrence | undefined): Occurrence | undefined => occurrence && { ...occurrence, cancelled: true };

/**
 * The explicit dates (recurrence ids, Gregorian wall times in the series' zone) a feed writes as RDATE for a
 * series calendar apps cannot expand themselves (RSCALE=ISLAMIC-UMALQURA): every occurrence from `from`
 * for `years` years, EXDATEs removed. Re-render as the horizon moves.
 */
export function explicitDates(series: Series, from: number, years = HIJRI_FEED_HORIZON_YEARS): { dates: string[]; horizonEnd: string } {
  const to = from + Math.round(years * 365.2425) * DAY_MS;
  const dates = occurrences({ ...series, overrides: [] }, { from, to }, { limit: Number.MAX_SAFE_INTEGER }).map((o) => o.recurrenceId);
  return { dates, horizonEnd: new Date(to).toISOString() };
}
