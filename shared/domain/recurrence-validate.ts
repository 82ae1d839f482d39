/** Validation of a recurrence rule against the schedule it repeats: field errors, or the normalized rule. */
import {
  FREQUENCIES,
  MAX_COUNT,
  MAX_INTERVAL,
  RSCALES,
  SKIPS,
  WEEKDAYS,
  parseRuleString,
  parseWeekdayNum,
  type RecurrenceRule,
  type RecurrenceRuleInput,
  type RuleFieldError,
  type WeekdayNum,
} from './recurrence-rule.ts';
import { seriesShape } from './recurrence-shape.ts';
import type { Schedule } from './schemas.ts';
import { instantOf, parseInstant, parseLocalDate, parseLocalDateTime } from './time.ts';

type Check = (rule: RecurrenceRule, schedule: Schedule) => string | undefined;
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const STRUCTURED_KEYS = new Set(['freq', 'interval', 'byDay', 'byMonthDay', 'byMonth', 'bySetPos', 'count', 'until', 'wkst', 'rscale', 'skip']);

/**
 * Validates a rule given as an RRULE string or a structured object against its schedule. Errors name
 * `field` for a string and `field.part` for an object; codes are `unsupported` for what we do not expand.
 */
export function validateRule(input: unknown, schedule: Schedule, field: string): { rule?: RecurrenceRule; errors: RuleFieldError[] } {
  const fromString = typeof input === 'string';
  const parsed = fromString ? parseRuleString(input, field) : structured(input, field);
  if (!parsed.input) return { errors: parsed.errors };
  const at = (part: string) => (fromString ? field : `${field}.${part}`);
  const errors: RuleFieldError[] = [];
  const rule = coerce(parsed.input, schedule, at, errors);
  if (!rule) return { errors };
  for (const [part, code, check] of CHECKS) {
    const message = check(rule, schedule);
    if (message) errors.push({ field: at(part), code, message });
  }
  return errors.length > 0 ? { errors } : { rule, errors };
}

function structured(input: unknown, field: string): { input?: RecurrenceRuleInput; errors: RuleFieldError[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { errors: [{ field, code: 'invalid_type', message: 'must be an RRULE string or a rule object' }] };
  }
  const unknown = Object.keys(input).filter((key) => !STRUCTURED_KEYS.has(key));
  const errors = unknown.map((key): RuleFieldError => ({ field: `${field}.${key}`, code: 'unsupported', message: 'is not a recurrence part we support' }));
  return errors.length > 0 ? { errors } : { input: input as RecurrenceRuleInput, errors };
}

function coerce(input: RecurrenceRuleInput, schedule: Schedule, at: (part: string) => string, errors: RuleFieldError[]): RecurrenceRule | undefined {
  const fail = (part: string, code: RuleFieldError['code'], message: string) => void errors.push({ field: at(part), code, message });
  const freq = String(input.freq ?? '').toUpperCase();
  if (!input.freq) fail('freq', 'required', 'FREQ is required');
  else if (!(FREQUENCIES as readonly string[]).includes(freq)) {
    fail('freq', ['SECONDLY', 'MINUTELY', 'HOURLY'].includes(freq) ? 'unsupported' : 'invalid_value', `FREQ=${freq} is not supported (DAILY, WEEKLY, MONTHLY or YEARLY)`);
  }
  const rule: RecurrenceRule = { freq: freq as RecurrenceRule['freq'], interval: 1 };
  if (input.interval !== undefined) rule.interval = integerIn(input.interval, 1, MAX_INTERVAL, 'interval', 'INTERVAL', fail) ?? 1;
  if (input.count !== undefined) rule.count = integerIn(input.count, 1, MAX_COUNT, 'count', 'COUNT', fail);
  if (input.byDay !== undefined) rule.byDay = weekdayList(input.byDay, fail);
  for (const [key, name, low, high] of [
    ['byMonthDay', 'BYMONTHDAY', -31, 31],
    ['byMonth', 'BYMONTH', 1, 12],
    ['bySetPos', 'BYSETPOS', -366, 366],
  ] as const) {
    if (input[key] !== undefined) rule[key] = intList(input[key], low, high, key, name, fail);
  }
  if (input.until !== undefined) rule.until = untilOf(String(input.until), schedule, fail);
  for (const [key, name, allowed] of [
    ['wkst', 'WKST', WEEKDAYS],
    ['rscale', 'RSCALE', RSCALES],
    ['skip', 'SKIP', SKIPS],
  ] as const) {
    const value = input[key];
    if (value === undefined) continue;
    const upper = String(value).toUpperCase();
    if ((allowed as readonly string[]).includes(upper)) Object.assign(rule, { [key]: upper });
    else fail(key, key === 'rscale' ? 'unsupported' : 'invalid_value', `${name}=${upper} is not supported (${allowed.join(', ')})`);
  }
  return errors.length > 0 ? undefined : rule;
}

type Fail = (part: string, code: RuleFieldError['code'], message: string) => void;

function integerIn(value: unknown, low: number, high: number, part: string, name: string, fail: Fail): number | undefined {
  if (Number.isInteger(value) && (value as number) >= low && (value as number) <= high) return value as number;
  fail(part, 'out_of_range', `${name} must be an integer from ${low} to ${high}`);
  return undefined;
}

function intList(value: unknown, low: number, high: number, part: string, name: string, fail: Fail): number[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n === 0 || n < low || n > high)) {
    fail(part, 'out_of_range', `${name} takes non-zero integers from ${low} to ${high}`);
    return undefined;
  }
  return [...new Set(list as number[])].sort((a, b) => a - b);
}

function weekdayList(value: unknown, fail: Fail): WeekdayNum[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  const days = list.map((item) => (typeof item === 'string' ? parseWeekdayNum(item) : (item as WeekdayNum)));
  const bad = days.some((day) => !day || !(WEEKDAYS as readonly string[]).includes(day.weekday) || (day.ordinal !== undefined && (!Number.isInteger(day.ordinal) || day.ordinal === 0 || Math.abs(day.ordinal) > 53)));
  if (list.length === 0 || bad) {
    fail('byDay', 'invalid_value', 'BYDAY takes weekdays (MO…SU), each with an optional ordinal from -53 to 53 except 0, e.g. 2MO, -1FR');
    return undefined;
  }
  return days.map((day) => (day!.ordinal === undefined ? { weekday: day!.weekday } : { weekday: day!.weekday, ordinal: day!.ordinal }));
}

/** UNTIL in RFC 5545 ("20261231T235959Z", "20261231") or RFC 3339 form; a date is inclusive of its whole day. */
function untilOf(text: string, schedule: Schedule, fail: Fail): string | undefined {
  const iso = text.replace(/^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?(Z?)$/i, (_m, y, mo, d, h, mi, s, z) => (h ? `${y}-${mo}-${d}T${h}:${mi}:${s}${z}` : `${y}-${mo}-${d}`));
  const date = parseLocalDate(iso) ? iso : undefined;
  const instant = date ? undefined : parseInstant(iso);
  const floating = date || instant !== undefined ? undefined : parseLocalDateTime(iso);
  if (schedule.type !== 'timed') {
    if (date) return date;
    if (instant !== undefined) return new Date(instant).toISOString().slice(0, 10);
    if (floating) return iso.slice(0, 10);
  } else {
    const zone = schedule.timeZone;
    const endOfDay = date ? parseLocalDate(date) && instantOf({ ...parseLocalDate(date)!, hour: 23, minute: 59, second: 59 }, zone) : undefined;
    const at = instant ?? endOfDay ?? (floating && instantOf(floating, zone));
    if (at !== undefined) return new Date(at).toISOString().replace('.000Z', 'Z');
  }
  fail('until', 'invalid_format', 'UNTIL must be a date (20261231) or a UTC date-time (20261231T235959Z)');
  return undefined;
}

/** Whether the schedule's own start (the series' first instance) is after the normalized UNTIL, as expansion compares them. */
function startsAfterUntil(until: string, schedule: Schedule): boolean {
  const shape = seriesShape(schedule);
  return shape.isAfterUntil(shape.start, until);
}

const hijri = (rule: RecurrenceRule) => rule.rscale === 'ISLAMIC-UMALQURA';

const CHECKS: [string, RuleFieldError['code'], Check][] = [
  ['count', 'invalid_value', (r) => (r.count !== undefined && r.until !== undefined ? 'COUNT and UNTIL must not both be given' : undefined)],
  ['byDay', 'invalid_value', (r) => (r.byDay?.some((d) => d.ordinal !== undefined) && (r.freq === 'DAILY' || r.freq === 'WEEKLY') ? `BYDAY ordinals (2MO, -1FR) need FREQ=MONTHLY or YEARLY, not ${r.freq}` : undefined)],
  ['byDay', 'out_of_range', (r) => ((r.freq === 'MONTHLY' || r.byMonth) && r.byDay?.some((d) => Math.abs(d.ordinal ?? 0) > 5) ? 'a BYDAY ordinal within a month is from -5 to 5' : undefined)],
  ['byMonthDay', 'invalid_value', (r) => (r.byMonthDay && r.freq === 'WEEKLY' ? 'BYMONTHDAY must not be used with FREQ=WEEKLY' : undefined)],
  ['bySetPos', 'invalid_value', (r) => (r.bySetPos && !r.byDay && !r.byMonthDay && !r.byMonth ? 'BYSETPOS needs BYDAY, BYMONTHDAY or BYMONTH to choose from' : undefined)],
  [
    'byMonthDay',
    'invalid_value',
    (r) => (!hijri(r) && r.byMonth && r.byMonthDay?.every((d) => r.byMonth!.every((m) => Math.abs(d) > MONTH_DAYS[m - 1]!)) ? 'no month in BYMONTH has that BYMONTHDAY: the rule would never occur' : undefined),
  ],
  // DTSTART is the first instance the rule makes (RFC 5545 §3.8.5.3); an UNTIL before it leaves none.
  ['until', 'invalid_value', (r, s) => (r.until !== undefined && startsAfterUntil(r.until, s) ? 'UNTIL is before the series starts: the rule would never occur' : undefined)],
  ['skip', 'invalid_value', (r) => (r.skip && !r.rscale ? 'SKIP needs RSCALE (RFC 7529)' : undefined)],
  [
    'freq',
    'unsupported',
    (r) => (hijri(r) && (r.freq === 'DAILY' || r.freq === 'WEEKLY') ? `a Hijri (RSCALE=ISLAMIC-UMALQURA) rule is MONTHLY or YEARLY; ${r.freq} is the same in every calendar, so leave RSCALE out` : undefined),
  ],
  ['byDay', 'unsupported', (r) => (hijri(r) && (r.byDay || r.bySetPos) ? 'BYDAY and BYSETPOS are not supported with RSCALE=ISLAMIC-UMALQURA' : undefined)],
  ['byMonthDay', 'unsupported', (r) => (hijri(r) && r.byMonthDay?.some((d) => d < 1 || d > 30) ? 'a Hijri BYMONTHDAY is from 1 to 30' : undefined)],
  ['freq', 'unsupported', (r, s) => (s.type === 'month' && (r.freq === 'DAILY' || r.freq === 'WEEKLY') ? 'a month-only series repeats MONTHLY or YEARLY' : undefined)],
  ['byDay', 'unsupported', (r, s) => (s.type === 'month' && (r.byDay || r.byMonthDay || r.bySetPos) ? 'a month-only series has no day to choose: only BYMONTH, INTERVAL, COUNT, UNTIL' : undefined)],
  ['rscale', 'unsupported', (r, s) => (s.type === 'month' && hijri(r) ? 'a month-only series cannot follow Hijri months' : undefined)],
];
