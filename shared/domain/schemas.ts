/**
 * Request and resource schemas. The API validates with these, and /openapi.json is generated from them,
 * so the documentation cannot drift from what is enforced.
 */
import { z } from 'zod';
import { instantOf, isIanaTimeZone, parseLocalDate, parseLocalDateTime, parseMonth } from './time.ts';

export const LIMITS = { titleChars: 500, descriptionChars: 10_000, bodyBytes: 64 * 1024, tags: 30, tagChars: 64 } as const;

function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

const languageTag = z.string().refine(isLanguageTag, { message: 'must be a BCP 47 language tag, e.g. "ar", "en", "zh-Hans"', params: { code: 'invalid_language' } });

const localized = (maxChars: number) =>
  z.record(languageTag, z.string().trim().min(1, 'must not be empty').max(maxChars, `must be at most ${maxChars} characters`));

const nonEmptyLocalized = (maxChars: number) =>
  localized(maxChars).refine((text) => Object.keys(text).length > 0, { message: 'needs at least one language', params: { code: 'too_few' } });

export const timeZoneSchema = z
  .string()
  .refine(isIanaTimeZone, { message: 'must be an IANA time zone name, e.g. "Asia/Muscat"', params: { code: 'invalid_time_zone' } })
  .meta({ example: 'Asia/Muscat' });

const localDateTime = z
  .string()
  .refine((text) => parseLocalDateTime(text) !== undefined, { message: 'must be a local date-time that exists, "YYYY-MM-DDTHH:mm[:ss]"', params: { code: 'invalid_format' } });
const localDate = z.string().refine((text) => parseLocalDate(text) !== undefined, { message: 'must be a date that exists, "YYYY-MM-DD"', params: { code: 'invalid_format' } });
const month = z.string().refine((text) => parseMonth(text) !== undefined, { message: 'must be a month, "YYYY-MM"', params: { code: 'invalid_format' } });

const timedSchedule = z
  .strictObject({ type: z.literal('timed'), start: localDateTime, end: localDateTime, timeZone: timeZoneSchema })
  .superRefine((schedule, ctx) => {
    const start = parseLocalDateTime(schedule.start);
    const end = parseLocalDateTime(schedule.end);
    if (!start || !end || !isIanaTimeZone(schedule.timeZone)) return;
    const startAt = instantOf(start, schedule.timeZone);
    const endAt = instantOf(end, schedule.timeZone);
    if (startAt === undefined) ctx.addIssue({ code: 'custom', path: ['start'], message: `does not exist in ${schedule.timeZone} (skipped by a clock change)`, params: { code: 'nonexistent_time' } });
    if (endAt === undefined) ctx.addIssue({ code: 'custom', path: ['end'], message: `does not exist in ${schedule.timeZone} (skipped by a clock change)`, params: { code: 'nonexistent_time' } });
    if (startAt !== undefined && endAt !== undefined && endAt <= startAt) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start', params: { code: 'end_before_start' } });
  });

const allDaySchedule = z
  .strictObject({ type: z.literal('allDay'), startDate: localDate, endDate: localDate.describe('inclusive') })
  .superRefine((schedule, ctx) => {
    if (parseLocalDate(schedule.startDate) && parseLocalDate(schedule.endDate) && schedule.endDate < schedule.startDate) {
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'must be on or after startDate (endDate is inclusive)', params: { code: 'end_before_start' } });
    }
  });

const monthSchedule = z.strictObject({ type: z.literal('month'), month, timeZone: timeZoneSchema });

export const scheduleSchema = z.discriminatedUnion('type', [timedSchedule, allDaySchedule, monthSchedule]);
export type Schedule = z.infer<typeof scheduleSchema>;

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048);
const email = z.email({ message: 'must be an e-mail address' }).max(320);

function isRegionCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return false;
  const name = new Intl.DisplayNames(['en'], { type: 'region' }).of(code);
  return name !== undefined && name !== code && name !== 'Unknown Region';
}

export const locationSchema = z.strictObject({
  name: localized(LIMITS.titleChars).optional(),
  city: z.string().trim().min(1).max(200).optional(),
  country: z.string().refine(isRegionCode, { message: 'must be an ISO 3166 alpha-2 code, e.g. "OM"', params: { code: 'invalid_country' } }).optional(),
  address: z.string().trim().min(1).max(1000).optional(),
  url: httpUrl.optional(),
});

export const organizerSchema = z.strictObject({ name: z.string().trim().min(1).max(200), email: email.optional() });

export const participantRoles = ['chair', 'required', 'optional'] as const;
export const participantStatuses = ['invited', 'accepted', 'declined', 'tentative'] as const;

export const participantInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  organization: z.string().trim().min(1).max(200).optional(),
  email: email.optional(),
  role: z.enum(participantRoles).default('required'),
  status: z.enum(participantStatuses).default('invited'),
});
export type ParticipantInput = z.infer<typeof participantInputSchema>;
export const participantPatchSchema = z.strictObject({ status: z.enum(participantStatuses) });

export const eventKinds = ['meeting', 'forum', 'conference', 'other'] as const;
export const calendarSlug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a slug: lowercase letters, digits and "-", at most 63 characters');

const tags = z
  .array(z.string().trim().min(1).max(LIMITS.tagChars).regex(/^[^,;\\\r\n]+$/, 'must not contain , ; \\ or line breaks'))
  .max(LIMITS.tags);

/** Fields an editor may set on an event, at creation or by merge patch. */
const editableShape = {
  title: nonEmptyLocalized(LIMITS.titleChars),
  description: localized(LIMITS.descriptionChars).optional(),
  schedule: scheduleSchema,
  location: locationSchema.optional(),
  organizer: organizerSchema.optional(),
  tags: tags.optional(),
  url: httpUrl.optional(),
  kind: z.enum(eventKinds).optional(),
  visibility: z.enum(['public', 'private']).optional(),
  status: z.enum(['tentative', 'confirmed']).optional(),
};

export const eventFieldsSchema = z.strictObject(editableShape);
export type EventFields = z.infer<typeof eventFieldsSchema>;

export const createEventSchema = z.strictObject({
  calendar: calendarSlug,
  ...editableShape,
  participants: z.array(participantInputSchema).max(500).optional(),
});
export type CreateEventInput = z.infer<typeof createEventSchema>;

/** The shape a PATCH body may take (RFC 7396 merge patch: null removes). Validated again after merging. */
export const eventPatchSchema = z.strictObject({
  title: z.record(languageTag, z.string().nullable()).optional(),
  description: z.record(languageTag, z.string().nullable()).nullable().optional(),
  schedule: z.record(z.string(), z.unknown()).optional(),
  location: z.record(z.string(), z.unknown()).nullable().optional(),
  organizer: z.record(z.string(), z.unknown()).nullable().optional(),
  tags: z.array(z.string()).nullable().optional(),
  url: z.string().nullable().optional(),
  kind: z.enum(eventKinds).optional(),
  visibility: z.enum(['public', 'private']).optional(),
  status: z.enum(['tentative', 'confirmed']).optional(),
});

export const cancelSchema = z.strictObject({ reason: z.string().trim().min(1).max(1000).optional() });

export const calendarInputSchema = z.strictObject({
  name: nonEmptyLocalized(LIMITS.titleChars),
  description: localized(LIMITS.descriptionChars).optional(),
  defaultLanguage: languageTag,
  timeZone: timeZoneSchema,
});
export type CalendarInput = z.infer<typeof calendarInputSchema>;

export const apiKeyRoles = ['admin', 'editor', 'partner'] as const;
export type ApiKeyRole = (typeof apiKeyRoles)[number];
export const createKeySchema = z.strictObject({ name: z.string().trim().min(1).max(200), role: z.enum(apiKeyRoles) });

export const listEventsQuerySchema = z.strictObject({
  calendar: calendarSlug.optional(),
  from: z.string().optional().describe('instant (RFC 3339) or date; events ending after it'),
  to: z.string().optional().describe('instant (RFC 3339) or date; events starting before it'),
  status: z.enum(['tentative', 'confirmed', 'cancelled']).optional(),
  tag: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

export const createFeedTokenSchema = z.strictObject({ label: z.string().trim().min(1).max(200) });

export const feedQuerySchema = z.strictObject({
  lang: languageTag.optional().describe("the feed's language; default: the calendar's defaultLanguage"),
  tag: z.string().optional().describe('only events with one of these tags (repeat the parameter for several)'),
  tentative: z.enum(['include', 'exclude']).optional(),
  token: z.string().optional().describe('a feed token: private events and participants too'),
});

export const eventChangeTypes = [
  'event.created',
  'event.updated',
  'event.rescheduled',
  'event.confirmed',
  'event.cancelled',
  'participant.invited',
  'participant.responded',
  'participant.removed',
] as const;

const webhookUrl = z
  .string()
  .max(2048)
  .refine((text) => URL.canParse(text), { message: 'must be a URL', params: { code: 'invalid_url' } });
const webhookTypes = z.array(z.enum([...eventChangeTypes, '*'])).min(1, 'needs at least one change type, or "*"').max(20);

export const createWebhookSchema = z.strictObject({
  url: webhookUrl,
  types: webhookTypes,
  calendars: z.array(calendarSlug).max(100).optional(),
  description: z.string().trim().max(500).optional(),
});

export const patchWebhookSchema = z.strictObject({
  url: webhookUrl.optional(),
  types: webhookTypes.optional(),
  calendars: z.array(calendarSlug).max(100).nullable().optional(),
  description: z.string().trim().max(500).nullable().optional(),
  disabled: z.boolean().optional(),
});

export const replaySchema = z.strictObject({ since: z.string().describe('an instant (RFC 3339): re-send every matching change recorded since then') });

export const deliveriesQuerySchema = z.strictObject({
  status: z.enum(['pending', 'succeeded', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
