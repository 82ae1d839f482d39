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

const longNames = new Map<string, Intl.DateTimeFormat>();

/** ICU's name for the zone at an instant ("Chile Summer Time"), or a GMT offset ("GMT+01:00") where CLDR has none. */
function longName(instant: number, timeZone: string): string {
  let format = longNames.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'long' });
    longNames.set(timeZone, format);
  }
  return format.formatToParts(instant).find((part) => part.type === 'timeZoneName')!.value;
}

/**
 * ICU's isdst, which Intl shows only through the name it picks: CLDR's English daylight names say "Daylight" or
 * "Summer", except Dublin's summer, "Irish Standard Time" (ICU keeps tzdata's rearguard form, where Irish summer
 * time is the daylight one). Undefined where ICU has no name for the zone then and writes a GMT offset.
 */
function daylightByName(instant: number, timeZone: string): boolean | undefined {
  const name = longName(instant, timeZone);
  if (/^GMT(?:[+-]|$)/.test(name)) return undefined;
  return /\b(?:Daylight|Summer)\b/.test(name) || name === 'Irish Standard Time';
}

/**
 * DAYLIGHT as ICU's isdst has it (summer time, a permanent move such as Moscow's in 2011 is STANDARD). Where ICU
 * has no name to tell, a move up that the zone undoes within a year is daylight; a move down never is. A range
 * starts in the offset it has, moved to from the one before within a year, if any.
 */
function isDaylight(instant: number, from: number, to: number, timeZone: string): boolean {
  const named = daylightByName(instant, timeZone);
  if (named !== undefined) return named;
  if (to <= from) return false;
  for (let t = instant + WEEK; t <= instant + 53 * WEEK; t += WEEK) if (offsetSeconds(t, timeZone) < to) return true;
  return false;
}

/**
 * Where ICU's isdst flips while the offset stays (Moscow went from MSK to EEST at +03 in 1991; Indiana/Knox from
 * CDT to EST in 1991 and back in 2006), the instants of the stretch [from, to) where the kind changes, read from
 * the names a week apart. A daylight name that ICU drops for a GMT offset counts as the end of daylight time:
 * London's summer time became "British Standard Time" on 1968-10-27 at the same +01, written "GMT+01:00".
 */
function daylightFlips(from: number, to: number, daylight: boolean, timeZone: string): { at: number; daylight: boolean }[] {
  const flips: { at: number; daylight: boolean }[] = [];
  let kind = daylight;
  let lastNamed = daylightByName(from, timeZone);
  const last = to - 1000;
  for (let previous = from; previous < last; previous += WEEK) {
    const t = Math.min(previous + WEEK, last);
    const named = daylightByName(t, timeZone);
    const next = named ?? (lastNamed === true ? false : kind);
    if (next !== kind) {
      const flipped = (instant: number) => (named === undefined ? daylightByName(instant, timeZone) !== true : daylightByName(instant, timeZone) === named);
      flips.push({ at: firstInstant(previous, t, flipped), daylight: next });
      kind = next;
    }
    lastNamed = named;
  }
  return flips;
}

/** The first whole second in (lo, hi] where `test` holds, given that it fails at lo and holds at hi. */
function firstInstant(lo: number, hi: number, test: (instant: number) => boolean): number {
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (test(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
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
    // Zones × year ranges is no small set (a calendar spanning centuries, hundreds of zones): keep it bounded, oldest out.
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  }
  return component;
}

const cache = new Map<string, string>();
const CACHE_LIMIT = 1000;

function build(timeZone: string, fromYear: number, toYear: number): string {
  const start = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(toYear + 1, 0, 1);
  const changes = [start, ...transitions(timeZone, start, end)];
  let body = '';
  let previous = offsetSeconds(start, timeZone);
  changes.forEach((instant, index) => {
    const offset = offsetSeconds(instant, timeZone);
    const daylight = isDaylight(instant, index === 0 ? offsetBefore(start, timeZone) : previous, offset, timeZone);
    body += observance(daylight, previous, offset, instant);
    for (const flip of daylightFlips(instant, changes[index + 1] ?? end, daylight, timeZone)) body += observance(flip.daylight, offset, offset, flip.at);
    previous = offset;
  });
  return `BEGIN:VTIMEZONE\r\n${contentLine('TZID', timeZone)}${contentLine('X-LIC-LOCATION', timeZone)}${body}END:VTIMEZONE\r\n`;
}

/** The offset the zone had before its last change within the year before `instant`, or its offset if none. */
function offsetBefore(instant: number, timeZone: string): number {
  const offset = offsetSeconds(instant, timeZone);
  for (let t = instant - WEEK; t >= instant - 53 * WEEK; t -= WEEK) if (offsetSeconds(t, timeZone) !== offset) return offsetSeconds(t, timeZone);
  return offset;
}

function observance(daylight: boolean, from: number, to: number, at: number): string {
  const kind = daylight ? 'DAYLIGHT' : 'STANDARD';
  return [`BEGIN:${kind}`, `DTSTART:${localStampAt(at, from)}`, `TZOFFSETFROM:${formatOffset(from)}`, `TZOFFSETTO:${formatOffset(to)}`, `END:${kind}`].map((line) => `${line}\r\n`).join('');
}
