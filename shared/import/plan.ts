/**
 * An import draft as the API's own create input: the same fields POST /events takes, validated by the same
 * schema, so an import accepts exactly what the API accepts. What cannot become an event is a skipped item
 * naming the field and its error code.
 */
import { safeParse } from 'zod/mini';
import type { FieldError } from '#domain/errors';
import { createEventSchema, eventKinds, type CreateEventInput } from '#domain/schemas';
import { toFieldErrors } from '#domain/validation';
import type { Recurrence } from '#domain/recurrence';
import type { ImportDraft, ImportOverride } from './ics.ts';
import { languageOfText } from './languages.ts';

/** What the file says about one event, ready for the command: the create input, and whether it is cancelled. */
export interface PlannedEvent {
  uid: string;
  input: CreateEventInput;
  cancelled: boolean;
  /** A series' occurrences the file changes (RECURRENCE-ID), as the occurrence commands the API takes. */
  occurrences: PlannedOccurrence[];
}

/** One overridden occurrence: cancelled, or a merge patch of its schedule and text (as PATCH .../occurrences/{rid}). */
export type PlannedOccurrence = { recurrenceId: string; cancelled: true } | { recurrenceId: string; cancelled: false; patch: Record<string, unknown> };

export interface PlanContext {
  calendar: string;
  /** Text without a LANGUAGE parameter in this language's script is in it (languages.ts). */
  defaultLanguage: string;
  /** The file is one of our own feeds: its first CATEGORIES value is the event's kind. */
  ours: boolean;
}

export type Plan = { planned: PlannedEvent } | { refused: FieldError & { code: NonNullable<FieldError['code']> } };

/** kind and tags from CATEGORIES: our feeds write the kind first; anyone else's are all tags. */
function kindAndTags(tags: string[] | undefined, ours: boolean): Pick<CreateEventInput, 'kind' | 'tags'> {
  if (!tags) return {};
  const [first, ...rest] = tags;
  if (ours && (eventKinds as readonly string[]).includes(first!)) return { kind: first as CreateEventInput['kind'], tags: rest };
  return { tags };
}

/** Attendees once each: exporters repeat one (by e-mail address, else by name) across delegations. */
function distinctPeople(people: ImportDraft['participants']): ImportDraft['participants'] {
  const seen = new Set<string>();
  return people.filter((person) => {
    const key = person.email ? `mailto:${person.email.toLowerCase()}` : `cn:${person.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The normalized recurrence as API input: lastRecurrenceId is derived on create, never sent. An occurrence the
 * file both leaves out (EXDATE) and cancels (RECURRENCE-ID with STATUS:CANCELLED), as our feeds write a cancelled
 * occurrence for clients that ignore the override, is a cancelled occurrence, not an EXDATE.
 */
function recurrenceInput({ lastRecurrenceId: _derived, exdates, ...recurrence }: Recurrence, overrides: ImportOverride[]): Omit<Recurrence, 'lastRecurrenceId'> {
  const cancelled = new Set(overrides.filter((o) => o.cancelled).map((o) => o.recurrenceId));
  const left = exdates?.filter((id) => !cancelled.has(id));
  return left?.length ? { ...recurrence, exdates: left } : recurrence;
}

/** The languages of a draft's title, description and location name (languages.ts); `inPlay` first where the script fits. */
function languagesOf(text: Pick<ImportDraft, 'title' | 'language' | 'description' | 'descriptionLanguage' | 'location' | 'locationLanguage'>, inPlay: readonly string[]) {
  const title = languageOfText(text.title, text.language, inPlay);
  const others = [title, ...inPlay];
  return { title, description: languageOfText(text.description, text.descriptionLanguage, others), location: languageOfText(text.location, text.locationLanguage, others) };
}

/** An override's schedule and text as an occurrence patch; text without LANGUAGE is in the series' languages where its script fits. */
function occurrencePlan(override: ImportOverride, inPlay: readonly string[]): PlannedOccurrence {
  if (override.cancelled) return { recurrenceId: override.recurrenceId, cancelled: true };
  const lang = languagesOf(override, inPlay);
  const patch: Record<string, unknown> = {
    ...(override.schedule ? { schedule: override.schedule } : {}),
    ...(override.title === undefined ? {} : { title: { [lang.title]: override.title } }),
    ...(override.description === undefined ? {} : { description: { [lang.description]: override.description } }),
    ...(override.location === undefined ? {} : { location: { name: { [lang.location]: override.location } } }),
    ...(override.url === undefined ? {} : { url: override.url }),
  };
  return { recurrenceId: override.recurrenceId, cancelled: false, patch };
}

/** A draft as POST /events input: a series with its recurrence, and its overrides as occurrence commands. */
export function planEvent(draft: ImportDraft, context: PlanContext): Plan {
  const language = languagesOf(draft, [context.defaultLanguage]);
  const candidate: Record<string, unknown> = {
    calendar: context.calendar,
    title: draft.title === undefined ? undefined : { [language.title]: draft.title },
    schedule: draft.recurrence ? { ...draft.schedule, recurrence: recurrenceInput(draft.recurrence, draft.overrides) } : draft.schedule,
    ...(draft.description === undefined ? {} : { description: { [language.description]: draft.description } }),
    ...(draft.location === undefined ? {} : { location: { name: { [language.location]: draft.location } } }),
    ...(draft.url === undefined ? {} : { url: draft.url }),
    ...(draft.visibility === undefined ? {} : { visibility: draft.visibility }),
    ...(draft.status === 'tentative' || draft.status === 'confirmed' ? { status: draft.status } : {}),
    ...(draft.organizer === undefined ? {} : { organizer: draft.organizer }),
    ...kindAndTags(draft.tags, context.ours),
    ...(draft.participants.length > 0 ? { participants: distinctPeople(draft.participants) } : {}),
  };
  const parsed = safeParse(createEventSchema(), candidate, { reportInput: true });
  if (!parsed.success) {
    const [first] = toFieldErrors(parsed.error);
    return { refused: { field: first?.field ?? 'body', code: first?.code ?? 'invalid_value', message: first?.message ?? 'is not a valid event' } };
  }
  return {
    planned: { uid: draft.uid, input: parsed.data, cancelled: draft.status === 'cancelled', occurrences: draft.overrides.map((o) => occurrencePlan(o, [language.title, language.description, context.defaultLanguage])) },
  };
}
