/**
 * VTIMEZONE components from the runtime's own zone data (ICU, through Intl): nothing read from disk, so
 * nothing lost when bundled, and the IANA name is kept as the TZID. Each observance is an explicit
 * transition between the years the feed needs, which every calendar app reads. Offsets are exact to the second
 * (RFC 5545 utc-offset allows seconds; local mean times before ~1920 were not whole minutes).
 */
import { offsetAt } from '#domain/time';
import { contentLine } from './ics.ts';

const DAY = 86_400_000;

const WEEK = 7 * DAY;

/** The zone's offset at an instant, in whole seconds. */
function offsetSeconds(instant: number, timeZone: string): number {
  return offsetAt(instant, timeZone) / 1000;
}

/** "+0400", or "-002521" when the offset has seconds. */
function formatOffset(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${sign}${p(Math.floor(abs / 3600))}${p(Math.floor((abs % 3600) / 60))}${abs % 60 ? p(abs % 60) : ''}`;
}

/**
 * DAYLIGHT when the offset is above one the zone returns to within a year (as ICU's isdst has it: summer time,
 * Morocco outside Ramadan, Dublin's summer); a permanent move to a new offset stays STANDARD.
 */
function isDaylight(instant: number, offset: number, timeZone: string): boolean {
  for (let t = instant + WEEK; t <= instant + 53 * WEEK; t += WEEK) if (offsetSeconds(t, timeZone) < offset) return true;
  return false;
}

function localStampAt(instant: number, offset: number): string {
  const d = new Date(instant + offset * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** Instants in [from, to) where the zone's offset changes, to the second. */
function transitions(timeZone: string, from: number, to: number): number[] {
  const found: number[] = [];
  // Zones change offset at most a few times a year, never twice in a day.
  const step = DAY;
  let before = offsetSeconds(from, timeZone);
  for (let t = from + step; t < to + step; t += step) {
    const after = offsetSeconds(t, timeZone);
    if (after === before) continue;
    let lo = t - step;
    let hi = t;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (offsetSeconds(mid, timeZone) === before) lo = mid;
      else hi = mid;
    }
    found.push(hi);
    before = after;
  }
  return found;
}

/**
 * @example vtimezone('Asia/Muscat', 2026, 2026) // BEGIN:VTIMEZONE … TZID:Asia/Muscat … TZOFFSETTO:+0400 …
 */
export function vtimezone(timeZone: string, fromYear: number, toYear: number): string {
  const key = `${timeZone} ${fromYear} ${toYear}`;
  let component = cache.get(key);
  if (component === undefined) {
    component = build(timeZone, fromYear, toYear);
    cache.set(key, component);
  }
  return component;
}

const cache = new Map<string, string>();

function build(timeZone: string, fromYear: number, toYear: number): string {
  const start = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(toYear + 1, 0, 1);
  const initial = offsetSeconds(start, timeZone);
  const observance = (from: number, to: number, at: number) => {
    const kind = isDaylight(at, to, timeZone) ? 'DAYLIGHT' : 'STANDARD';
    return [`BEGIN:${kind}`, `DTSTART:${localStampAt(at, from)}`, `TZOFFSETFROM:${formatOffset(from)}`, `TZOFFSETTO:${formatOffset(to)}`, `END:${kind}`].map((line) => `${line}\r\n`).join('');
  };
  let body = observance(initial, initial, start);
  let previous = initial;
  for (const instant of transitions(timeZone, start, end)) {
    const next = offsetSeconds(instant, timeZone);
    body += observance(previous, next, instant);
    previous = next;
  }
  return `BEGIN:VTIMEZONE\r\n${contentLine('TZID', timeZone)}${contentLine('X-LIC-LOCATION', timeZone)}${body}END:VTIMEZONE\r\n`;
}
