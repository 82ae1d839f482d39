/**
 * Checks our VTIMEZONE against Python's zoneinfo (Debian's tzdata): at every observance its offsets and its kind
 * (DAYLIGHT exactly when zoneinfo's dst() is not zero), and at noon UTC of every day the observance in effect.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
const ORACLE = fileURLToPath(new URL('./zoneinfo_oracle.py', import.meta.url));
const DAY = 86_400_000;

export interface Observance {
  daylight: boolean;
  /** UTC instant it begins, in ms. */
  at: number;
  from: number;
  to: number;
}

/** A stretch of a zone's history where a disagreement of one kind is expected, with the reason. */
export interface Tolerance {
  zone: string;
  /** ISO dates, inclusive start and exclusive end. */
  from: string;
  until: string;
  reason: string;
}

export interface Disagreement {
  zone: string;
  at: string;
  what: 'offset' | 'kind';
  ours: string;
  zoneinfo: string;
  tolerated?: string;
}

export interface Comparison {
  observances: number;
  days: number;
  disagreements: Disagreement[];
}

/** zoneinfo's [utcoffset, dst] in seconds at each [zone, ms] pair. */
export function zoneinfo(queries: [string, number][]): [number, number][] {
  const input = JSON.stringify(queries.map(([zone, ms]) => [zone, ms / 1000]));
  return JSON.parse(execFileSync(PYTHON, ['-I', ORACLE], { input, maxBuffer: 1 << 30, env: { PATH: process.env.PATH ?? '/usr/bin' } }).toString());
}

const seconds = (offset: string): number => {
  const m = /^([+-])(\d\d)(\d\d)(\d\d)?$/.exec(offset)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0));
};

/** The observances of one VTIMEZONE, each with the UTC instant it begins (DTSTART is local time before it). */
export function observancesOf(component: string): Observance[] {
  const found: Observance[] = [];
  for (const m of component.matchAll(/BEGIN:(STANDARD|DAYLIGHT)\r\nDTSTART:(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)\r\nTZOFFSETFROM:(\S+)\r\nTZOFFSETTO:(\S+)\r\n/g)) {
    const [, kind, y, mo, d, h, mi, s, from, to] = m;
    const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    found.push({ daylight: kind === 'DAYLIGHT', at: local - seconds(from!) * 1000, from: seconds(from!), to: seconds(to!) });
  }
  return found;
}

const parsed = new WeakMap<readonly Tolerance[], Map<string, { from: number; until: number; reason: string }[]>>();

function toleranceAt(list: readonly Tolerance[], zone: string, at: number): { reason: string } | undefined {
  let byZone = parsed.get(list);
  if (!byZone) {
    byZone = new Map();
    for (const t of list) byZone.set(t.zone, [...(byZone.get(t.zone) ?? []), { from: Date.parse(t.from), until: Date.parse(t.until), reason: t.reason }]);
    parsed.set(list, byZone);
  }
  return byZone.get(zone)?.find((t) => t.from <= at && at < t.until);
}

const kind = (daylight: boolean) => (daylight ? 'DAYLIGHT' : 'STANDARD');

/**
 * Compares one zone's observances over [start, end) with zoneinfo. `negativeDst` periods may differ in kind only
 * as tzdata's rearguard form does (ICU's data): the summer offset DAYLIGHT where zoneinfo's dst() is 0, the winter
 * one STANDARD where dst() is negative. `dataDiffers` periods are skipped where the two data sets' offsets differ;
 * `unnamed` periods may differ in kind (ICU gives no name there, so the kind is inferred from offsets).
 */
export function compareZone(
  zone: string,
  observances: Observance[],
  start: number,
  end: number,
  tolerances: { negativeDst: readonly Tolerance[]; dataDiffers: readonly Tolerance[]; unnamed: readonly Tolerance[] },
): Comparison {
  const queries: [string, number][] = [];
  for (const o of observances) queries.push([zone, o.at], [zone, o.at - 1000]);
  const noons: number[] = [];
  for (let t = start + DAY / 2; t < end; t += DAY) noons.push(t);
  for (const t of noons) queries.push([zone, t]);
  const answers = zoneinfo(queries);
  const disagreements: Disagreement[] = [];
  const check = (at: number, ours: Observance, [offset, dst]: [number, number], before?: [number, number]) => {
    const day = new Date(at).toISOString();
    const offsetsAgree = offset === ours.to && (before === undefined || before[0] === ours.from);
    if (!offsetsAgree) {
      const zoneinfoOffsets = before ? `${before[0]}->${offset}` : `${offset}`;
      const data = toleranceAt(tolerances.dataDiffers, zone, at);
      disagreements.push({ zone, at: day, what: 'offset', ours: before ? `${ours.from}->${ours.to}` : `${ours.to}`, zoneinfo: zoneinfoOffsets, tolerated: data?.reason });
      return;
    }
    if (ours.daylight === (dst !== 0)) return;
    const negative = toleranceAt(tolerances.negativeDst, zone, at);
    const mirrored = negative && ours.daylight === (dst === 0);
    const tolerated = mirrored ? negative.reason : toleranceAt(tolerances.unnamed, zone, at)?.reason;
    disagreements.push({ zone, at: day, what: 'kind', ours: kind(ours.daylight), zoneinfo: `dst ${dst}`, tolerated });
  };
  let index = 0;
  observances.forEach((o, k) => {
    const answer = answers[index++]!;
    const before = answers[index++]!;
    check(o.at, o, answer, k === 0 ? undefined : before);
  });
  let current = 0;
  for (const t of noons) {
    while (current + 1 < observances.length && observances[current + 1]!.at <= t) current++;
    check(t, observances[current]!, answers[index++]!);
  }
  return { observances: observances.length, days: noons.length, disagreements };
}
