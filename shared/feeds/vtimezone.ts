/**
 * VTIMEZONE components from the runtime's own zone data (ICU, through Intl): nothing read from disk, so
 * nothing lost when bundled, and the IANA name is kept as the TZID. Each observance is an explicit
 * transition between the years the feed needs, which every calendar app reads.
 */
import { wallTimeAt } from '#domain/time';
import { contentLine } from './ics.ts';

const DAY = 86_400_000;

function offsetMinutes(instant: number, timeZone: string): number {
  const wall = wallTimeAt(instant, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

function localStampAt(instant: number, offset: number): string {
  const d = new Date(instant + offset * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** Instants in [from, to) where the zone's offset changes, to the minute. */
function transitions(timeZone: string, from: number, to: number): number[] {
  const found: number[] = [];
  // Zones change offset at most a few times a year, never twice in a day.
  const step = DAY;
  let before = offsetMinutes(from, timeZone);
  for (let t = from + step; t < to + step; t += step) {
    const after = offsetMinutes(t, timeZone);
    if (after === before) continue;
    let lo = t - step;
    let hi = t;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetMinutes(mid, timeZone) === before) lo = mid;
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
  const initial = offsetMinutes(start, timeZone);
  const changes = transitions(timeZone, start, end);
  // Standard time is the smaller of the offsets seen; a larger one is daylight saving.
  const offsets = [initial, ...changes.map((t) => offsetMinutes(t, timeZone))];
  const standard = Math.min(...offsets);
  const observance = (from: number, to: number, at: string) =>
    [`BEGIN:${to > standard ? 'DAYLIGHT' : 'STANDARD'}`, `DTSTART:${at}`, `TZOFFSETFROM:${formatOffset(from)}`, `TZOFFSETTO:${formatOffset(to)}`, `END:${to > standard ? 'DAYLIGHT' : 'STANDARD'}`]
      .map((line) => `${line}\r\n`)
      .join('');
  let body = observance(initial, initial, localStampAt(start, initial));
  let previous = initial;
  for (const instant of changes) {
    const next = offsetMinutes(instant, timeZone);
    body += observance(previous, next, localStampAt(instant, previous));
    previous = next;
  }
  return `BEGIN:VTIMEZONE\r\n${contentLine('TZID', timeZone)}${contentLine('X-LIC-LOCATION', timeZone)}${body}END:VTIMEZONE\r\n`;
}
