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

/** True for an exact IANA zone name that this runtime's ICU knows ("Asia/Muscat", "UTC"); offsets and mis-cased names are not. */
export function isIanaTimeZone(name: string): boolean {
  if (!IANA_NAME.test(name)) return false;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone === name;
  } catch {
    return false;
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
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

function wallAsUtcMillis(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
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

/**
 * The instant a wall time denotes in a zone, or undefined when that wall time does not exist there
 * (skipped by a daylight-saving jump). An ambiguous wall time (clocks set back) takes the earlier instant.
 */
export function instantOf(wall: WallTime, timeZone: string): number | undefined {
  const asUtc = wallAsUtcMillis(wall);
  const candidates = new Set([asUtc - offsetMs(asUtc, timeZone)]);
  for (const probe of [asUtc - 86_400_000, asUtc + 86_400_000]) candidates.add(asUtc - offsetMs(probe, timeZone));
  const matches = [...candidates].filter((t) => wallAsUtcMillis(wallTimeAt(t, timeZone)) === asUtc).sort((a, b) => a - b);
  return matches[0];
}

export function addDays(date: string, days: number): string {
  const wall = parseLocalDate(date);
  if (!wall) throw new RangeError(`not a date: ${date}`);
  return new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days)).toISOString().slice(0, 10);
}


export function firstDayOfNextMonth(month: string): string {
  const parsed = parseMonth(month);
  if (!parsed) throw new RangeError(`not a month: ${month}`);
  return new Date(Date.UTC(parsed.year, parsed.month, 1)).toISOString().slice(0, 10);
}

/** RFC 3339 instant with an explicit offset ("2026-07-01T00:00:00Z", "…+04:00"), or a bare date taken as UTC midnight. */
export function parseInstant(text: string): number | undefined {
  if (parseLocalDate(text)) return Date.parse(`${text}T00:00:00Z`);
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i.exec(text);
  if (!m || !parseLocalDateTime(m[1]!)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
