/**
 * The documented shape of `schedule.recurrence` for /openapi.json. It describes; `normalizeRecurrence`
 * decides (the rule depends on the schedule it repeats), so the integration adds it to the schedule schema
 * as a field and runs `normalizeRecurrence` in the schedule's check, reporting its field errors.
 */
import * as z from 'zod/mini';
import { once } from './once.ts';
import { FREQUENCIES, MAX_COUNT, MAX_DATES, MAX_INTERVAL, RSCALES, SKIPS, WEEKDAYS } from './recurrence-rule.ts';

const ints = (low: number, high: number, about: string) => z.array(z.int().check(z.gte(low), z.lte(high))).check(z.describe(about));

const ruleObject = /* @__PURE__ */ once(() =>
  z.strictObject({
    freq: z.enum(FREQUENCIES),
    interval: z.optional(z.int().check(z.gte(1), z.lte(MAX_INTERVAL))),
    byDay: z.optional(
      z
        .array(z.union([z.string(), z.strictObject({ weekday: z.enum(WEEKDAYS), ordinal: z.optional(z.int()) })]))
        .check(z.describe('weekdays, each with an optional ordinal in the month or year: "MO", "2MO", "-1FR", or {weekday, ordinal}')),
    ),
    byMonthDay: z.optional(ints(-31, 31, 'days of the month, negative from its end (1..30 for Hijri)')),
    byMonth: z.optional(ints(1, 12, 'months (Hijri months with rscale ISLAMIC-UMALQURA)')),
    bySetPos: z.optional(ints(-366, 366, 'which of the set each period generates')),
    count: z.optional(z.int().check(z.gte(1), z.lte(MAX_COUNT))),
    until: z.optional(z.string().check(z.describe('inclusive: a UTC instant ("2026-12-31T23:59:59Z") for timed series, a date for all-day and month series'))),
    wkst: z.optional(z.enum(WEEKDAYS)),
    rscale: z.optional(z.enum(RSCALES)),
    skip: z.optional(z.enum(SKIPS).check(z.describe('RFC 7529: a day the month lacks is omitted, or moved backward or forward'))),
  }),
);

const recurrenceIds = (about: string) => z.optional(z.array(z.string()).check(z.maxLength(MAX_DATES), z.describe(about)));

/** `schedule.recurrence` as clients send it: the rule as an RRULE value or an object (both give the same series); built on first use. */
export const recurrenceInputSchema = /* @__PURE__ */ once(() =>
  z.strictObject({
    rule: z.union([z.string().check(z.meta({ example: 'FREQ=MONTHLY;BYDAY=-1FR' })), ruleObject()]),
    exdates: recurrenceIds('occurrences left out, by recurrence id: the local start "2026-03-09T09:00" (timed), a date (all-day) or a month'),
    rdates: recurrenceIds('occurrences added, written like exdates'),
  }),
);
