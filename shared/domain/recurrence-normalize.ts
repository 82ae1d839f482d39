/** A recurrence as a client sends it (rule as RRULE string or object, EXDATE and RDATE lists) to its normalized form. */
import { MAX_DATES, type RecurrenceRuleInput, type RuleFieldError } from './recurrence-rule.ts';
import { formatDate, formatDateTime, seriesShape } from './recurrence-shape.ts';
import { validateRule } from './recurrence-validate.ts';
import { ruleIds, type Recurrence } from './recurrence.ts';
import type { Schedule } from './schemas.ts';
import { instantOf, parseLocalDate, parseLocalDateTime, parseMonth } from './time.ts';

export interface RecurrenceInput {
  rule: string | RecurrenceRuleInput;
  exdates?: string[];
  rdates?: string[];
}

export { MAX_DATES };
const KEYS = new Set(['rule', 'exdates', 'rdates']);

/**
 * Validates and normalizes a recurrence for `schedule` (already valid). Both rule forms give the same
 * result; every refusal is a field error under `field` (default "schedule.recurrence").
 */
export function normalizeRecurrence(input: unknown, schedule: Schedule, field = 'schedule.recurrence'): { recurrence?: Recurrence; errors: RuleFieldError[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { errors: [{ field, code: 'invalid_type', message: 'must be an object with a rule' }] };
  }
  const record = input as Record<string, unknown>;
  const errors: RuleFieldError[] = Object.keys(record)
    .filter((key) => !KEYS.has(key))
    .map((key) => ({ field: `${field}.${key}`, code: 'unknown_field', message: 'is not a known field' }));
  if (record.rule === undefined) errors.push({ field: `${field}.rule`, code: 'required', message: 'is required' });
  const { rule, errors: ruleErrors } = record.rule === undefined ? { rule: undefined, errors: [] } : validateRule(record.rule, schedule, `${field}.rule`);
  errors.push(...ruleErrors);
  const exdates = dateList(record.exdates, schedule, `${field}.exdates`, errors);
  const rdates = dateList(record.rdates, schedule, `${field}.rdates`, errors);
  if (!rule || errors.length > 0) return { errors };
  const recurrence: Recurrence = { rule };
  if (exdates?.length) recurrence.exdates = exdates;
  if (rdates?.length) recurrence.rdates = rdates;
  if (rule.count !== undefined) {
    // Counted once here (COUNT <= MAX_COUNT) so that no later window has to count from the start.
    const shape = seriesShape(schedule);
    let last: string | undefined;
    for (const id of ruleIds(recurrence, shape, shape.start)) last = id;
    if (last !== undefined) recurrence.lastRecurrenceId = last;
  }
  return { recurrence, errors };
}

function dateList(value: unknown, schedule: Schedule, field: string, errors: RuleFieldError[]): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    errors.push({ field, code: 'invalid_type', message: 'must be a list' });
    return undefined;
  }
  if (value.length > MAX_DATES) {
    errors.push({ field, code: 'too_many', message: `must have at most ${MAX_DATES} dates` });
    return undefined;
  }
  const out = value.map((item, index) => {
    const normalized = typeof item === 'string' ? normalizeId(item, schedule) : undefined;
    if (!normalized) errors.push({ field: `${field}.${index}`, ...expectation(schedule) });
    return normalized;
  });
  return [...new Set(out.filter((id) => id !== undefined))].sort();
}

/** A recurrence id in the form the schedule writes its start, or undefined. */
export function normalizeId(text: string, schedule: Schedule): string | undefined {
  switch (schedule.type) {
    case 'timed': {
      const wall = parseLocalDateTime(text);
      return wall && instantOf(wall, schedule.timeZone) !== undefined ? formatDateTime(wall) : undefined;
    }
    case 'allDay': {
      const wall = parseLocalDate(text);
      return wall && formatDate(wall);
    }
    case 'month':
      return parseMonth(text) ? text : undefined;
  }
}

function expectation(schedule: Schedule): { code: RuleFieldError['code']; message: string } {
  switch (schedule.type) {
    case 'timed':
      return { code: 'invalid_format', message: `must be a local date-time that exists in ${schedule.timeZone}, "YYYY-MM-DDTHH:mm[:ss]"` };
    case 'allDay':
      return { code: 'invalid_format', message: 'must be a date that exists, "YYYY-MM-DD"' };
    case 'month':
      return { code: 'invalid_format', message: 'must be a month, "YYYY-MM"' };
  }
}
