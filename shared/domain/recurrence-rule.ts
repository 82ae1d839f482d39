/**
 * Recurrence rules (RFC 5545 RRULE, with RFC 7529 RSCALE for the Umm al-Qura calendar): one normalized
 * structure, reached from either an RRULE string or a structured object. Whatever we do not expand is
 * refused with a field error naming the part; no part is ever dropped silently.
 */
import type { FieldError, FieldErrorCode } from './errors.ts';

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export const RSCALES = ['GREGORIAN', 'ISLAMIC-UMALQURA'] as const;
export type Rscale = (typeof RSCALES)[number];
export const SKIPS = ['OMIT', 'BACKWARD', 'FORWARD'] as const;
export type Skip = (typeof SKIPS)[number];

/** A BYDAY entry: a weekday, with an ordinal in the month or year (`2MO`, `-1FR`) when given. */
export interface WeekdayNum {
  weekday: Weekday;
  ordinal?: number;
}

/** The normalized rule. `until` is a UTC instant ("…Z") for timed series and a date for all-day and month series. */
export interface RecurrenceRule {
  freq: Frequency;
  interval: number;
  byDay?: WeekdayNum[];
  byMonthDay?: number[];
  byMonth?: number[];
  bySetPos?: number[];
  count?: number;
  until?: string;
  wkst?: Weekday;
  rscale?: Rscale;
  skip?: Skip;
}

/** A structured rule as a client may send it: the normalized shape, with `byDay` also accepted as RRULE tokens. */
export type RecurrenceRuleInput = Omit<Partial<RecurrenceRule>, 'byDay'> & { byDay?: (WeekdayNum | string)[] };

/** A field error that always names its code. */
export type RuleFieldError = FieldError & { code: FieldErrorCode };

/** COUNT above this is refused: it bounds the one-off expansion that finds a counted series' last occurrence. */
export const MAX_COUNT = 1000;
export const MAX_INTERVAL = 1000;
/** EXDATE and RDATE lists are capped so a series stays one small item and its expansion stays cheap. */
export const MAX_DATES = 500;

const PART_KEYS: Record<string, keyof RecurrenceRule> = {
  FREQ: 'freq',
  INTERVAL: 'interval',
  BYDAY: 'byDay',
  BYMONTHDAY: 'byMonthDay',
  BYMONTH: 'byMonth',
  BYSETPOS: 'bySetPos',
  COUNT: 'count',
  UNTIL: 'until',
  WKST: 'wkst',
  RSCALE: 'rscale',
  SKIP: 'skip',
};
const KNOWN_UNSUPPORTED = new Set(['BYSECOND', 'BYMINUTE', 'BYHOUR', 'BYYEARDAY', 'BYWEEKNO']);
const WEEKDAY_NUM = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/;

/** Parses `2MO`, `-1FR`, `SU` into a weekday with an optional ordinal. */
export function parseWeekdayNum(token: string): WeekdayNum | undefined {
  const m = WEEKDAY_NUM.exec(token.trim().toUpperCase());
  if (!m) return undefined;
  const weekday = m[2] as Weekday;
  return m[1] === undefined ? { weekday } : { weekday, ordinal: Number(m[1]) };
}

const ints = (text: string) => text.split(',').map((part) => (/^[+-]?\d+$/.test(part) ? Number(part) : Number.NaN));

/**
 * Splits an RRULE value ("FREQ=MONTHLY;BYDAY=-1FR", an "RRULE:" prefix allowed) into a structured input.
 * UNTIL is kept as written (RFC 5545 form); `validateRule` turns it into the normalized form.
 */
export function parseRuleString(text: string, field: string): { input?: RecurrenceRuleInput; errors: RuleFieldError[] } {
  const errors: RuleFieldError[] = [];
  const body = text.trim().replace(/^RRULE:/i, '');
  if (body === '' || /[\r\n]/.test(body)) return { errors: [{ field, code: 'invalid_format', message: 'must be one RRULE value, e.g. "FREQ=WEEKLY;BYDAY=MO"' }] };
  const input: Record<string, unknown> = {};
  for (const part of body.split(';')) {
    const [rawName, value, ...rest] = part.split('=');
    const name = (rawName ?? '').trim().toUpperCase();
    const key = PART_KEYS[name];
    if (value === undefined || rest.length > 0 || value === '') {
      errors.push({ field, code: 'invalid_format', message: `"${part}" is not NAME=VALUE` });
    } else if (!key) {
      const why = KNOWN_UNSUPPORTED.has(name) ? 'is not supported' : 'is not a recurrence part we know';
      errors.push({ field, code: 'unsupported', message: `${name} ${why}` });
    } else if (key in input) {
      errors.push({ field, code: 'invalid_value', message: `${name} appears twice` });
    } else {
      input[key] = stringPart(key, value.toUpperCase());
    }
  }
  return errors.length > 0 ? { errors } : { input: input as RecurrenceRuleInput, errors };
}

function stringPart(key: keyof RecurrenceRule, value: string): unknown {
  switch (key) {
    case 'interval':
    case 'count':
      return /^\d+$/.test(value) ? Number(value) : value;
    case 'byMonthDay':
    case 'byMonth':
    case 'bySetPos':
      return ints(value);
    case 'byDay':
      return value.split(',');
    default:
      return value;
  }
}

/** The RRULE value of a normalized rule; UNTIL is written as RFC 5545 wants it (UTC "…Z" or a DATE). */
export function formatRule(rule: RecurrenceRule): string {
  const parts: string[] = [];
  if (rule.rscale) parts.push(`RSCALE=${rule.rscale}`);
  parts.push(`FREQ=${rule.freq}`);
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.byMonth) parts.push(`BYMONTH=${rule.byMonth.join(',')}`);
  if (rule.byMonthDay) parts.push(`BYMONTHDAY=${rule.byMonthDay.join(',')}`);
  if (rule.byDay) parts.push(`BYDAY=${rule.byDay.map(formatWeekdayNum).join(',')}`);
  if (rule.bySetPos) parts.push(`BYSETPOS=${rule.bySetPos.join(',')}`);
  if (rule.wkst) parts.push(`WKST=${rule.wkst}`);
  if (rule.count !== undefined) parts.push(`COUNT=${rule.count}`);
  if (rule.until) parts.push(`UNTIL=${rule.until.replace(/[-:]/g, '').replace(/\.\d+/, '')}`);
  if (rule.skip) parts.push(`SKIP=${rule.skip}`);
  return parts.join(';');
}

export const formatWeekdayNum = (day: WeekdayNum): string => `${day.ordinal ?? ''}${day.weekday}`;
