/**
 * Which VTIMEZONEs a feed carries: one per zone its timed events use, covering only the years they use, and
 * always the calendar's own zone (RFC 5545 wants at least one component, and X-WR-TIMEZONE names it).
 */
import { vtimezone } from './vtimezone.ts';

/** Zones and the years each must cover, gathered while a feed is assembled. */
export class ZoneYears {
  private readonly zones = new Map<string, Set<number>>();

  add(zone: string, fromYear: number, toYear: number): void {
    let years = this.zones.get(zone);
    if (!years) this.zones.set(zone, (years = new Set()));
    for (let year = fromYear; year <= toYear; year++) years.add(year);
  }

  /** The components, by zone name; `calendarZone` is included for `fallbackYear` when no event uses it. */
  components(calendarZone: string | undefined, fallbackYear: number): string[] {
    if (calendarZone !== undefined && !this.zones.has(calendarZone)) this.add(calendarZone, fallbackYear, fallbackYear);
    return [...this.zones.keys()].sort().map((zone) =>
      vtimezoneForYears(
        zone,
        [...this.zones.get(zone)!].sort((a, b) => a - b),
      ),
    );
  }
}

/** One VTIMEZONE covering exactly `years` (sorted): the observances of each run of consecutive years, in order. */
export function vtimezoneForYears(zone: string, years: number[]): string {
  const runs: { from: number; to: number }[] = [];
  for (const year of years) {
    const last = runs.at(-1);
    if (last && year === last.to + 1) last.to = year;
    else runs.push({ from: year, to: year });
  }
  const [first, ...rest] = runs.map((run) => vtimezone(zone, run.from, run.to));
  if (rest.length === 0) return first!;
  const END = 'END:VTIMEZONE\r\n';
  const observances = (component: string) => component.slice(component.search(/\r\nBEGIN:(STANDARD|DAYLIGHT)\r\n/) + 2, -END.length);
  return first!.slice(0, -END.length) + rest.map(observances).join('') + END;
}
