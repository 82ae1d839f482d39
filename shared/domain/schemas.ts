/**
 * Request and resource schemas. The API validates with these, and /openapi.json is generated from them,
 * so the documentation cannot drift from what is enforced. Each is a function that builds it once, on first use.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { once } from './once.ts';
import { recurrenceInputSchema } from './recurrence-schema.ts';
import { instantsOf, isIanaTimeZone, isSupportedYear, offsetAt, parseLocalDate, parseLocalDateTime, parseMonth, SUPPORTED_YEARS, type WallTime } from './time.ts';

// zod/mini ships no messages of its own: English, as the classic API set it, for the fields we leave to zod.
z.config(en());

export const LIMITS = { titleChars: 500, descriptionChars: 10_000, bodyBytes: 64 * 1024, tags: 30, tagChars: 64, feedPastDays: 36_500, searchChars: 100 } as const;

function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

// What the feed writer strips from TEXT (shared/feeds/ics.ts): C0 controls other than tab and line breaks, and DEL.
// Refused here so that the API, its webhooks and the feeds say the same; C1 controls are kept by both (RFC 5545 §3.1).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTER = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/** Text holds no control character other than tab and line breaks (audit F10). */
const noControlCharacters = /* @__PURE__ */ once(() =>
  z.refine<string>((value) => !CONTROL_CHARACTER.test(value), { message: 'must not contain control characters (U+0000 to U+001F other than tab and line breaks, or U+007F)', params: { code: 'invalid_format' } }),
);

/** A trimmed, non-empty string of at most `maxChars` characters. */
const text = (maxChars: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(maxChars), noControlCharacters());

const languageTag = /* @__PURE__ */ once(() => z.string().check(z.refine(isLanguageTag, { message: 'must be a BCP 47 language tag, e.g. "ar", "en", "zh-Hans"', params: { code: 'invalid_language' } })));

const localized = (maxChars: number) => z.record(languageTag(), z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(maxChars, `must be at most ${maxChars} characters`), noControlCharacters()));

const nonEmptyLocalized = (maxChars: number) => localized(maxChars).check(z.refine((value) => Object.keys(value).length > 0, { message: 'needs at least one language', params: { code: 'too_few' } }));

export const timeZoneSchema = /* @__PURE__ */ once(() =>
  z.string().check(z.refine(isIanaTimeZone, { message: 'must be an IANA time zone name, e.g. "Asia/Muscat"', params: { code: 'invalid_time_zone' } }), z.meta({ example: 'Asia/Muscat' })),
);

const inSupportedYears = /* @__PURE__ */ once(() =>
  z.refine<string>((value) => !/^\d{4}/.test(value) || isSupportedYear(Number(value.slice(0, 4))), {
    message: `must be in the years ${SUPPORTED_YEARS.from} to ${SUPPORTED_YEARS.to}`,
    params: { code: 'out_of_range' },
  }),
);

const localDateTime = /* @__PURE__ */ once(() =>
  z.string().check(
    z.refine((value) => parseLocalDateTime(value) !== undefined, { message: 'must be a local date-time that exists, "YYYY-MM-DDTHH:mm[:ss]"', params: { code: 'invalid_format' } }),
    inSupportedYears(),
  ),
);
const localDate = /* @__PURE__ */ once(() =>
  z.string().check(
    z.refine((value) => parseLocalDate(value) !== undefined, { message: 'must be a date that exists, "YYYY-MM-DD"', params: { code: 'invalid_format' } }),
    inSupportedYears(),
  ),
);
const month = /* @__PURE__ */ once(() =>
  z.string().check(
    z.refine((value) => parseMonth(value) !== undefined, { message: 'must be a month, "YYYY-MM"', params: { code: 'invalid_format' } }),
    inSupportedYears(),
  ),
);

const disambiguations = ['earlier', 'later'] as const;

function formatOffset(offsetMs: number): string {
  const abs = Math.abs(offsetMs) / 1000;
  const parts = [Math.floor(abs / 3600), Math.floor((abs % 3600) / 60), abs % 60];
  const text = parts
    .slice(0, parts[2] ? 3 : 2)
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
  return `${offsetMs < 0 ? '-' : '+'}${text}`;
}

type Ctx = Parameters<Parameters<typeof z.superRefine>[0]>[1];

/**
 * The instant a wall time of a schedule denotes, or an issue saying why there is none: skipped by a clock change,
 * set back over (twice, and the request did not say which), or in local mean time (an offset no calendar app
 * writes: whole minutes only).
 */
function instantOfField(ctx: Ctx, field: string, wall: WallTime, timeZone: string, disambiguation: (typeof disambiguations)[number] | undefined): number | undefined {
  const instants = instantsOf(wall, timeZone);
  const issue = (message: string, code: string) => ctx.addIssue({ code: 'custom', path: [field], message, params: { code }, input: wall });
  if (instants.length === 0) return void issue(`does not exist in ${timeZone} (skipped by a clock change)`, 'nonexistent_time');
  if (instants.length > 1 && !disambiguation) {
    const [earlier, later] = instants.map((t) => formatOffset(offsetAt(t, timeZone)));
    return void issue(`happens twice in ${timeZone} (clocks are set back): say which with "disambiguation": "earlier" (${earlier}) or "later" (${later})`, 'ambiguous_time');
  }
  const instant = disambiguation === 'later' ? instants.at(-1)! : instants[0]!;
  const offset = offsetAt(instant, timeZone);
  if (offset % 60_000 !== 0) return void issue(`was in local mean time in ${timeZone} then (UTC${formatOffset(offset)}, not a whole minute), which calendar apps read differently: choose a later date`, 'out_of_range');
  return instant;
}

// recur (#14): a schedule with a recurrence is a series; its first occurrence is the schedule itself (DTSTART).
// The rule is checked against the schedule by the event's decide (normalizeRecurrence), which stores its normalized form.
const seriesRecurrence = /* @__PURE__ */ once(() =>
  z.optional(recurrenceInputSchema().check(z.describe('makes the event a series (RFC 5545 RRULE, EXDATE, RDATE; RFC 7529 RSCALE=ISLAMIC-UMALQURA); the schedule is its first occurrence'))),
);

const timedSchedule = /* @__PURE__ */ once(() =>
  z
    .strictObject({
      type: z.literal('timed'),
      start: localDateTime().check(z.describe('the wall time it starts, "YYYY-MM-DDTHH:MM" or with seconds "…:SS" (kept as written; HH:MM is HH:MM:00)')),
      end: localDateTime().check(z.describe('not before start; equal to start, an instant: an event that takes no time (RFC 5545 §3.6.1)')),
      timeZone: timeZoneSchema(),
      disambiguation: z
        .optional(z.enum(disambiguations))
        .check(z.describe('which of the two instants an ambiguous start or end means (clocks set back repeat an hour): "earlier" (the first, daylight time) or "later"; required only for such times')),
      recurrence: seriesRecurrence(),
    })
    .check(
      z.superRefine((schedule, ctx) => {
        const start = parseLocalDateTime(schedule.start);
        const end = parseLocalDateTime(schedule.end);
        if (!start || !end || !isIanaTimeZone(schedule.timeZone) || !isSupportedYear(start.year) || !isSupportedYear(end.year)) return;
        const startAt = instantOfField(ctx, 'start', start, schedule.timeZone, schedule.disambiguation);
        const endAt = instantOfField(ctx, 'end', end, schedule.timeZone, schedule.disambiguation);
        // edges3 (F11): end = start is an instant, as RFC 5545 §3.6.1 reads a DATE-TIME DTSTART without DTEND.
        if (startAt !== undefined && endAt !== undefined && endAt < startAt)
          ctx.addIssue({
            code: 'custom',
            path: ['end'],
            message: 'must not be before start (an end equal to the start makes an instant: an event that takes no time)',
            params: { code: 'end_before_start' },
            input: schedule.end,
          });
      }),
    ),
);

const allDaySchedule = /* @__PURE__ */ once(() =>
  z.strictObject({ type: z.literal('allDay'), startDate: localDate(), endDate: localDate().check(z.describe('inclusive')), recurrence: seriesRecurrence() }).check(
    z.superRefine((schedule, ctx) => {
      if (parseLocalDate(schedule.startDate) && parseLocalDate(schedule.endDate) && schedule.endDate < schedule.startDate) {
        ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'must be on or after startDate (endDate is inclusive)', params: { code: 'end_before_start' }, input: schedule.endDate });
      }
    }),
  ),
);

const monthSchedule = /* @__PURE__ */ once(() =>
  z.strictObject({ type: z.literal('month'), month: month(), timeZone: timeZoneSchema(), recurrence: seriesRecurrence() }).check(
    z.superRefine((schedule, ctx) => {
      const first = parseMonth(schedule.month);
      if (!first || !isIanaTimeZone(schedule.timeZone) || !isSupportedYear(first.year)) return;
      instantOfField(ctx, 'month', { ...first, day: 1, hour: 0, minute: 0, second: 0 }, schedule.timeZone, 'earlier');
    }),
  ),
);

export const scheduleSchema = /* @__PURE__ */ once(() => z.discriminatedUnion('type', [timedSchedule(), allDaySchedule(), monthSchedule()]));
export type Schedule = z.infer<ReturnType<typeof scheduleSchema>>;

const httpUrl = /* @__PURE__ */ once(() => z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).check(z.maxLength(2048)));
const email = /* @__PURE__ */ once(() => z.email({ message: 'must be an e-mail address' }).check(z.maxLength(320)));

function isRegionCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return false;
  const name = new Intl.DisplayNames(['en'], { type: 'region' }).of(code);
  return name !== undefined && name !== code && name !== 'Unknown Region';
}

export const locationSchema = /* @__PURE__ */ once(() =>
  z.strictObject({
    name: z.optional(localized(LIMITS.titleChars)),
    city: z.optional(text(200)),
    country: z.optional(z.string().check(z.refine(isRegionCode, { message: 'must be an ISO 3166 alpha-2 code, e.g. "OM"', params: { code: 'invalid_country' } }))),
    address: z.optional(text(1000)),
    url: z.optional(httpUrl()),
  }),
);

export const organizerSchema = /* @__PURE__ */ once(() => z.strictObject({ name: text(200), email: z.optional(email()) }));

export const participantRoles = ['chair', 'required', 'optional'] as const;
export const participantStatuses = ['invited', 'accepted', 'declined', 'tentative'] as const;

export const participantInputSchema = /* @__PURE__ */ once(() =>
  z.strictObject({
    name: text(200),
    organization: z.optional(text(200)),
    email: z.optional(email()),
    role: z._default(z.enum(participantRoles), 'required'),
    status: z._default(z.enum(participantStatuses), 'invited'),
  }),
);
export type ParticipantInput = z.infer<ReturnType<typeof participantInputSchema>>;
export const participantPatchSchema = /* @__PURE__ */ once(() => z.strictObject({ status: z.enum(participantStatuses) }));

export const eventKinds = ['meeting', 'forum', 'conference', 'other'] as const;
export const calendarSlug = /* @__PURE__ */ once(() => z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a slug: lowercase letters, digits and "-", at most 63 characters')));

const tags = /* @__PURE__ */ once(() =>
  z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(LIMITS.tagChars), z.regex(/^[^,;\\\r\n]+$/, 'must not contain , ; \\ or line breaks'), noControlCharacters())).check(z.maxLength(LIMITS.tags)),
);

/** The fields an editor may set on an event, named without building their schemas (the domain lists them at import). */
export const editableFieldNames = ['title', 'description', 'schedule', 'location', 'organizer', 'tags', 'url', 'kind', 'visibility', 'status'] as const;

/** Fields an editor may set on an event, at creation or by merge patch. */
const editableShape = /* @__PURE__ */ once(
  () =>
    ({
      title: nonEmptyLocalized(LIMITS.titleChars),
      description: z.optional(localized(LIMITS.descriptionChars)),
      schedule: scheduleSchema(),
      location: z.optional(locationSchema()),
      organizer: z.optional(organizerSchema()),
      tags: z.optional(tags()),
      url: z.optional(httpUrl()),
      kind: z.optional(z.enum(eventKinds)),
      visibility: z.optional(z.enum(['public', 'private'])),
      status: z.optional(z.enum(['tentative', 'confirmed'])),
    }) satisfies Record<(typeof editableFieldNames)[number], unknown>,
);

export const eventFieldsSchema = /* @__PURE__ */ once(() => z.strictObject(editableShape()));
export type EventFields = z.infer<ReturnType<typeof eventFieldsSchema>>;

export const createEventSchema = /* @__PURE__ */ once(() =>
  z.strictObject({
    calendar: calendarSlug(),
    ...editableShape(),
    participants: z.optional(z.array(participantInputSchema()).check(z.maxLength(500))),
  }),
);
export type CreateEventInput = z.infer<ReturnType<typeof createEventSchema>>;

/** The shape a PATCH body may take (RFC 7396 merge patch: null removes). Validated again after merging. */
export const eventPatchSchema = /* @__PURE__ */ once(() =>
  z.strictObject({
    title: z.optional(z.record(languageTag(), z.nullable(z.string()))),
    description: z.optional(z.nullable(z.record(languageTag(), z.nullable(z.string())))),
    schedule: z.optional(z.record(z.string(), z.unknown())),
    location: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
    organizer: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
    tags: z.optional(z.nullable(z.array(z.string()))),
    url: z.optional(z.nullable(z.string())),
    kind: z.optional(z.enum(eventKinds)),
    visibility: z.optional(z.enum(['public', 'private'])),
    status: z.optional(z.enum(['tentative', 'confirmed'])),
  }),
);

/** recur (#14): what one occurrence may change (a merge patch; null: as the series says). */
export const occurrencePatchSchema = /* @__PURE__ */ once(() =>
  z.strictObject({
    title: eventPatchSchema().shape.title,
    description: eventPatchSchema().shape.description,
    location: eventPatchSchema().shape.location,
    url: eventPatchSchema().shape.url,
    schedule: z.optional(z.record(z.string(), z.unknown())).check(z.describe('the occurrence moved: the same kind of schedule as the series, without recurrence')),
  }),
);

export const cancelSchema = /* @__PURE__ */ once(() => z.strictObject({ reason: z.optional(text(1000)) }));

export const calendarInputSchema = /* @__PURE__ */ once(() =>
  z.strictObject({
    name: nonEmptyLocalized(LIMITS.titleChars),
    description: z.optional(localized(LIMITS.descriptionChars)),
    defaultLanguage: languageTag(),
    timeZone: timeZoneSchema(),
    // --- feeds (the feed window, shared/feeds/window.ts)
    feedPastDays: z.optional(z.number().check(z.int(), z.gte(0), z.lte(LIMITS.feedPastDays))).check(z.describe('feeds show events that ended within this many days, and everything ahead; 0: all; default 365')),
    // --- end feeds
  }),
);
export type CalendarInput = z.infer<ReturnType<typeof calendarInputSchema>>;

export const apiKeyRoles = ['admin', 'editor', 'partner'] as const;
export type ApiKeyRole = (typeof apiKeyRoles)[number];
export const createKeySchema = /* @__PURE__ */ once(() => z.strictObject({ name: text(200), role: z.enum(apiKeyRoles) }));

/** `limit` of every paged list: 1–200, 50 when absent (query strings are text, hence the coercion). */
export const pageLimit = /* @__PURE__ */ once(() => z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(200)), 50));

export const listEventsQuerySchema = /* @__PURE__ */ once(() =>
  z.strictObject({
    calendar: z.optional(calendarSlug()),
    from: z.optional(z.string()).check(z.describe('instant (RFC 3339) or date; events ending after it')),
    to: z.optional(z.string()).check(z.describe('instant (RFC 3339) or date; events starting before it. Without it, occurrences of series are listed up to 366 days after from (or now); single events to the last')),
    status: z.optional(z.enum(['tentative', 'confirmed', 'cancelled'])),
    tag: z.optional(z.string()),
    q: z
      .optional(z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(LIMITS.searchChars, `must be at most ${LIMITS.searchChars} characters`)))
      .check(z.describe('title search, with calendar: events with every word of it in a title in some language (case, Arabic diacritics and letter variants ignored); pages may hold fewer than limit, follow nextCursor')),
    limit: pageLimit(),
    cursor: z.optional(z.string()),
  }),
);

export const createFeedTokenSchema = /* @__PURE__ */ once(() => z.strictObject({ label: text(200) }));

// Not strict: calendar apps and link shorteners add parameters of their own to feed URLs; unknown ones are ignored.
export const feedQuerySchema = /* @__PURE__ */ once(() =>
  z.object({
    lang: z.optional(languageTag()).check(z.describe("the feed's language; default: the calendar's defaultLanguage")),
    tag: z.optional(z.string()).check(z.describe('only events with one of these tags (repeat the parameter for several)')),
    tentative: z.optional(z.enum(['include', 'exclude'])),
    token: z.optional(z.string()).check(z.describe('a feed token: private events and participants too')),
    pastDays: z
      .optional(z.coerce.number().check(z.int(), z.gte(0), z.lte(LIMITS.feedPastDays)))
      .check(z.describe("narrows the calendar's window: only events that ended within this many days (0: none that ended), and everything ahead")),
  }),
);

export const eventChangeTypes = [
  'event.created',
  'event.updated',
  'event.rescheduled',
  'event.confirmed',
  'event.cancelled',
  'participant.invited',
  'participant.responded',
  'participant.removed',
  // recur (#14): a series' occurrence changed on its own, and a series ended by "this and following"
  'occurrence.rescheduled',
  'occurrence.updated',
  'occurrence.cancelled',
  'occurrence.restored',
  'event.series.ended',
] as const;

const webhookUrl = /* @__PURE__ */ once(() =>
  z.string().check(
    z.maxLength(2048),
    z.refine((value) => URL.canParse(value), { message: 'must be a URL', params: { code: 'invalid_url' } }),
  ),
);
const webhookTypes = /* @__PURE__ */ once(() => z.array(z.enum([...eventChangeTypes, '*'])).check(z.minLength(1, 'needs at least one change type, or "*"'), z.maxLength(20)));

export const createWebhookSchema = /* @__PURE__ */ once(() =>
  z.strictObject({
    url: webhookUrl(),
    types: webhookTypes(),
    calendars: z.optional(z.array(calendarSlug()).check(z.maxLength(100))),
    description: z.optional(z.string().check(z.trim(), z.maxLength(500), noControlCharacters())),
    signature: z.optional(z.enum(['v1', 'v1a']).check(z.describe('Standard Webhooks signature scheme: v1 (HMAC-SHA256; you get a whsec_ secret, the default) or v1a (ed25519; you get only the whpk_ public key)'))),
  }),
);

export const patchWebhookSchema = /* @__PURE__ */ once(() =>
  z.strictObject({
    url: z.optional(webhookUrl()),
    types: z.optional(webhookTypes()),
    calendars: z.optional(z.nullable(z.array(calendarSlug()).check(z.maxLength(100)))),
    description: z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(500), noControlCharacters()))),
    disabled: z.optional(z.boolean()),
  }),
);

export const replaySchema = /* @__PURE__ */ once(() => z.strictObject({ since: z.string().check(z.describe('an instant (RFC 3339): re-send every matching change recorded since then')) }));

export const deliveriesQuerySchema = /* @__PURE__ */ once(() =>
  z.strictObject({
    status: z.optional(z.enum(['pending', 'succeeded', 'failed'])),
    limit: pageLimit(),
    cursor: z.optional(z.string()),
  }),
);
