/** Pure calendar arithmetic on ISO strings and IANA zones, using only Intl (no zone data of our own). */

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * True for an IANA zone name or alias this runtime's ICU knows, spelled as IANA spells it: "Asia/Muscat",
 * "Asia/Kolkata" and "Asia/Calcutta", "Europe/Kyiv", "Etc/UTC", "GMT". ICU resolves current names to its legacy
 * ids (Asia/Kolkata → Asia/Calcutta) and accepts any case, so an alias passes when Intl accepts it and each part
 * is capitalized as IANA writes them; a mis-cased canonical name ("asia/muscat") and offsets ("+04:00") do not.
 */
export function isIanaTimeZone(name: string): boolean {
  if (!IANA_NAME.test(name)) return false;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  if (resolved === name) return true;
  if (canonicalZones().has(name.toLowerCase())) return false;
  return name.split('/').every((part) => /^[A-Z]/.test(part) && (part.length <= 4 || /[a-z0-9-]/.test(part)));
}

let canonical: Set<string> | undefined;
function canonicalZones(): Set<string> {
  canonical ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'].map((zone) => zone.toLowerCase()));
  return canonical;
}

/**
 * The years the API accepts (documented in the OpenAPI and README): wide enough for history and planning, narrow
 * enough that every instant is a four-digit year in every zone, JavaScript's Date reads it as written, and a
 * VTIMEZONE spans a bounded number of observances.
 */
export const SUPPORTED_YEARS = { from: 1900, to: 2199 } as const;

export const isSupportedYear = (year: number): boolean => year >= SUPPORTED_YEARS.from && year <= SUPPORTED_YEARS.to;

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function parseLocalDate(text: string): WallTime | undefined {
  const m = LOCAL_DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return validDate(year, month, day) ? { year, month, day, hour: 0, minute: 0, second: 0 } : undefined;
}

export function parseLocalDateTime(text: string): WallTime | undefined {
  const m = LOCAL_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m[i])) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  return { year, month, day, hour, minute, second };
}

export function parseMonth(text: string): { year: number; month: number } | undefined {
  const m = MONTH.exec(text);
  if (!m) return undefined;
  const [year, month] = [Number(m[1]), Number(m[2])];
  return month >= 1 && month <= 12 ? { year, month } : undefined;
}

/** Date.UTC without its quirk: years 0–99 stay themselves instead of becoming 1900–1999. */
export function wallAsUtcMillis(wall: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, 0);
  return date.getTime();
}

/** The wall time an instant shows in a zone. */
export function wallTimeAt(instantMs: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

function offsetMs(instantMs: number, timeZone: string): number {
  return wallAsUtcMillis(wallTimeAt(instantMs, timeZone)) - Math.floor(instantMs / 1000) * 1000;
}

export type Disambiguation = 'earlier' | 'later';

/**
 * Every instant a wall time denotes in a zone, earliest first: none when the wall time was skipped by a clock
 * change (a gap), two when clocks were set back over it (an overlap), else one.
 */
export function instantsOf(wall: WallTime, timeZone: string): number[] {
  const asUtc = wallAsUtcMillis(wall);
  const candidates = new Set([asUtc - offsetMs(asUtc, timeZone)]);
  for (const probe of [asUtc - 86_400_000, asUtc + 86_400_000]) candidates.add(asUtc - offsetMs(probe, timeZone));
  return [...candidates].filter((t) => wallAsUtcMillis(wallTimeAt(t, timeZone)) === asUtc).sort((a, b) => a - b);
}

/**
 * The instant a wall time denotes in a zone, or undefined when that wall time does not exist there
 * (skipped by a daylight-saving jump). An ambiguous wall time (clocks set back) takes the earlier instant
 * unless told otherwise.
 */
export function instantOf(wall: WallTime, timeZone: string, disambiguation: Disambiguation = 'earlier'): number | undefined {
  const matches = instantsOf(wall, timeZone);
  return disambiguation === 'later' ? matches.at(-1) : matches[0];
}

/** The zone's UTC offset at an instant, in milliseconds (whole seconds: local mean times were not whole minutes). */
export function offsetAt(instantMs: number, timeZone: string): number {
  return offsetMs(instantMs, timeZone);
}

export function addDays(date: string, days: number): string {
  const wall = parseLocalDate(date);
  if (!wall) throw new RangeError(`not a date: ${date}`);
  return isoDate(wallAsUtcMillis({ ...wall, day: wall.day + days }));
}

/** "YYYY-MM-DD" of a UTC instant; years beyond 9999 keep growing digits rather than turning into "+010000". */
function isoDate(instantMs: number): string {
  const d = new Date(instantMs);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

export function firstDayOfNextMonth(month: string): string {
  const parsed = parseMonth(month);
  if (!parsed) throw new RangeError(`not a month: ${month}`);
  return isoDate(wallAsUtcMillis({ year: parsed.year, month: parsed.month + 1, day: 1, hour: 0, minute: 0, second: 0 }));
}

/** RFC 3339 instant with an explicit offset ("2026-07-01T00:00:00Z", "…+04:00"), or a bare date taken as UTC midnight. */
export function parseInstant(text: string): number | undefined {
  if (parseLocalDate(text)) return Date.parse(`${text}T00:00:00Z`);
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i.exec(text);
  if (!m || !parseLocalDateTime(m[1]!)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
