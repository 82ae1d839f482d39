/**
 * Every API operation: its route, who may call it, and the schemas of its body and query. Handlers take
 * their validation from here and /openapi.json is generated from here, so the two cannot disagree. Each is built
 * when first read, so a function builds only its own route's schemas, and each is its own export, so a function's
 * bundle carries only its own route's operation and schemas (`@__PURE__`: esbuild drops the rest; 0007-lean-bundles).
 */
import * as z from 'zod/mini';
import type { $ZodType } from 'zod/v4/core';
import type { Access } from '#auth/keys';
import {
  calendarInputSchema,
  cancelSchema,
  createEventSchema,
  createFeedTokenSchema,
  createKeySchema,
  createWebhookSchema,
  deliveriesQuerySchema,
  patchWebhookSchema,
  replaySchema,
  eventPatchSchema,
  occurrencePatchSchema,
  feedQuerySchema,
  listEventsQuerySchema,
  pageLimit,
  participantInputSchema,
  participantPatchSchema,
} from '#domain/schemas';
import { once } from '#domain/once';
import { MAX_IMPORT_BYTES, MAX_IMPORT_EVENTS } from '#import/limits';

export interface Operation<Body = unknown, Query = unknown> {
  summary: string;
  access: Access;
  body?: $ZodType<Body, unknown>;
  /** An absent body means `{}`. */
  bodyOptional?: boolean;
  query?: $ZodType<Query, unknown>;
  /** The command handles Idempotency-Key itself. */
  ownIdempotency?: boolean;
  /** Status codes of success, with what they carry. */
  success: Record<number, string>;
  headers?: string[];
  /** import (#14): the body is text of this media type, not JSON. */
  textBody?: TextBody;
}

/** A non-JSON body: its media type (checked, else 415) and its size limit (else 413). */
export interface TextBody {
  mediaType: string;
  maxBytes: number;
  description: string;
}

const pageQuery = /* @__PURE__ */ once(() => z.strictObject({ limit: pageLimit(), cursor: z.optional(z.string()) }));
const eventQuery = /* @__PURE__ */ once(() =>
  z.strictObject({
    asOf: z.optional(z.string()).check(z.describe('an instant (RFC 3339): the event as it stood then')),
    lang: feedQuerySchema().shape.lang.check(z.describe('for /events/{id}.ics: the language of the iCalendar rendering')),
  }),
);
const noQuery = /* @__PURE__ */ once(() => z.strictObject({}));
// The page ignores its query string (links and campaigns add to it).
const anyQuery = /* @__PURE__ */ once(() => z.record(z.string(), z.string()));

const op = <Body, Query>(operation: Operation<Body, Query>) => operation;

/** A table whose entries are built on first access, once: /openapi.json and the CDK app read them all. */
function builtOnAccess<T extends Record<string, () => unknown>>(builders: T): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const table = {} as { [K in keyof T]: ReturnType<T[K]> };
  for (const [key, build] of Object.entries(builders)) Object.defineProperty(table, key, { enumerable: true, get: once(build) });
  return table;
}

export const webPageOperation = /* @__PURE__ */ once(() => op({ summary: 'The web page (also /app.js and /app.css)', access: 'public', query: anyQuery(), success: { 200: 'text/html', 304: 'not modified' } }));
export const webScriptOperation = /* @__PURE__ */ once(() => op({ summary: "The web page's script", access: 'public', query: anyQuery(), success: { 200: 'text/javascript', 304: 'not modified' } }));
export const webStylesOperation = /* @__PURE__ */ once(() => op({ summary: "The web page's styles", access: 'public', query: anyQuery(), success: { 200: 'text/css', 304: 'not modified' } }));
// web: the read-only page other sites may frame.
export const embedPageOperation = /* @__PURE__ */ once(() =>
  op({ summary: 'A read-only calendar for other sites to frame (?view=month|agenda, lang, zone)', access: 'public', query: anyQuery(), success: { 200: 'text/html', 304: 'not modified' } }),
);
export const getHealthOperation = /* @__PURE__ */ once(() => op({ summary: 'Service health, including the store', access: 'public', query: noQuery(), success: { 200: 'healthy', 503: 'the store cannot be reached' } }));
export const getOpenApiOperation = /* @__PURE__ */ once(() => op({ summary: 'This document', access: 'public', query: noQuery(), success: { 200: 'OpenAPI 3.1' } }));
export const putCalendarOperation = /* @__PURE__ */ once(() =>
  op({ summary: 'Create or replace a calendar', access: 'write', body: calendarInputSchema(), query: noQuery(), success: { 200: 'replaced or unchanged', 201: 'created' } }),
);
export const listCalendarsOperation = /* @__PURE__ */ once(() => op({ summary: 'List calendars', access: 'public', query: pageQuery(), success: { 200: '{items, nextCursor}' } }));
export const getCalendarOperation = /* @__PURE__ */ once(() => op({ summary: 'One calendar', access: 'public', query: noQuery(), success: { 200: 'the calendar' } }));
export const createEventOperation = /* @__PURE__ */ once(() =>
  op({ summary: 'Record a new event', access: 'write', body: createEventSchema(), query: noQuery(), success: { 201: 'the event (Location, ETag)' }, headers: ['Idempotency-Key'], ownIdempotency: true }),
);
export const listEventsOperation = /* @__PURE__ */ once(() => op({ summary: 'Events overlapping [from, to), by start', access: 'public', query: listEventsQuerySchema(), success: { 200: '{items, nextCursor}' } }));
export const getEventOperation = /* @__PURE__ */ once(() =>
  op({ summary: 'One event, now or as it stood at asOf; /events/{id}.ics renders it as iCalendar', access: 'public', query: eventQuery(), success: { 200: 'the event (ETag)' } }),
);
export const patchEventOperation = /* @__PURE__ */ once(() =>
  op({ summary: 'Merge-patch an event (RFC 7396)', access: 'write', body: eventPatchSchema(), query: noQuery(), success: { 200: 'the event (ETag)' }, headers: ['If-Match'] }),
);
export const cancelEventOperation = /* @__PURE__ */ once(() =>
  op({ summary: 'Cancel an event', access: 'write', body: cancelSchema(), bodyOptional: true, query: noQuery(), success: { 200: 'the cancelled event' }, headers: ['If-Match'] }),
);
// recur (#14): one occurrence of a series, by recurrence id (its original local start: "2026-03-09T09:00:00", a date or a month)
export const patchOccurrenceOperation = /* @__PURE__ */ once(() =>
  op({
    summary: 'Change one occurrence of a series (merge patch: title, description, location, url, schedule)',
    access: 'write',
    body: occurrencePatchSchema(),
    query: noQuery(),
    success: { 200: 'the series (ETag)' },
    headers: ['If-Match'],
  }),
);
export const cancelOccurrenceOperation = /* @__PURE__ */ once(() =>
  op({
    summary: 'Cancel one occurrence of a series',
    access: 'write',
    body: cancelSchema(),
    bodyOptional: true,
    query: noQuery(),
    success: { 200: 'the series (ETag)' },
    headers: ['If-Match'],
  }),
);
export const restoreOccurrenceOperation = /* @__PURE__ */ once(() =>
  op({
    summary: 'Restore one occurrence as the series has it (undoes its cancel, move and edits)',
    access: 'write',
    query: noQuery(),
    success: { 200: 'the series (ETag)' },
    headers: ['If-Match'],
  }),
);
export const splitSeriesOperation = /* @__PURE__ */ once(() =>
  op({
    summary: 'This and following: the series ends before the occurrence and a new series (merge patch applied) continues from it',
    access: 'write',
    body: eventPatchSchema(),
    bodyOptional: true,
    query: noQuery(),
    success: { 200: 'the whole series changed (the occurrence was its first)', 201: 'the new series (Location)' },
    headers: ['If-Match', 'Idempotency-Key'],
  }),
);
export const getEventHistoryOperation = /* @__PURE__ */ once(() => op({ summary: 'The changes of an event, in order', access: 'public', query: pageQuery(), success: { 200: '{items, nextCursor}' } }));
export const addParticipantOperation = /* @__PURE__ */ once(() =>
  op({ summary: 'Invite a participant', access: 'write', body: participantInputSchema(), query: noQuery(), success: { 201: 'the event' }, headers: ['If-Match'] }),
);
export const patchParticipantOperation = /* @__PURE__ */ once(() =>
  op({ summary: "Record a participant's response", access: 'write', body: participantPatchSchema(), query: noQuery(), success: { 200: 'the event' }, headers: ['If-Match'] }),
);
export const deleteParticipantOperation = /* @__PURE__ */ once(() => op({ summary: 'Remove a participant', access: 'write', query: noQuery(), success: { 200: 'the event' }, headers: ['If-Match'] }));
// import (#14): a text/calendar body; the command keys its events' claims on the request's Idempotency-Key.
export const importCalendarOperation = /* @__PURE__ */ once(() =>
  op({
    summary: 'Import an iCalendar file (Google, Outlook, Apple exports, feeds): one recorded command per event, keyed on UID',
    access: 'write',
    textBody: { mediaType: 'text/calendar', maxBytes: MAX_IMPORT_BYTES, description: `an iCalendar file (RFC 5545), at most ${MAX_IMPORT_BYTES} bytes (4 MiB) and ${MAX_IMPORT_EVENTS} events` },
    query: noQuery(),
    success: { 200: 'the report: every event created, updated, unchanged or skipped (with the reason)', 202: 'the report so far (complete: false): repeat the request with resume.idempotencyKey to finish' },
    headers: ['Idempotency-Key'],
    ownIdempotency: true,
  }),
);
export const createFeedTokenOperation = /* @__PURE__ */ once(() =>
  op({ summary: 'Create a private feed URL (shown once)', access: 'admin', body: createFeedTokenSchema(), query: noQuery(), success: { 201: '{id, label, token, url}' } }),
);
export const listFeedTokensOperation = /* @__PURE__ */ once(() => op({ summary: "List a calendar's feed tokens (never the tokens)", access: 'admin', query: pageQuery(), success: { 200: '{items, nextCursor}' } }));
export const deleteFeedTokenOperation = /* @__PURE__ */ once(() => op({ summary: 'Revoke a feed token at once', access: 'admin', query: noQuery(), success: { 204: 'revoked' } }));
export const getFeedOperation = /* @__PURE__ */ once(() =>
  op({ summary: 'A calendar as iCalendar: /feeds/{calendar}.ics', access: 'public', query: feedQuerySchema(), success: { 200: 'text/calendar', 304: 'not modified' }, headers: ['If-None-Match'] }),
);
export const headFeedOperation = /* @__PURE__ */ once(() =>
  op({ summary: 'The headers of a feed', access: 'public', query: feedQuerySchema(), success: { 200: 'headers only', 304: 'not modified' }, headers: ['If-None-Match'] }),
);
export const createWebhookOperation = /* @__PURE__ */ once(() =>
  op({ summary: 'Subscribe to changes (the signing secret is shown once)', access: 'key', body: createWebhookSchema(), query: noQuery(), success: { 201: 'the subscription and its secret' } }),
);
export const listWebhooksOperation = /* @__PURE__ */ once(() => op({ summary: 'Your subscriptions (admin: all)', access: 'key', query: pageQuery(), success: { 200: '{items, nextCursor}' } }));
export const getWebhookOperation = /* @__PURE__ */ once(() => op({ summary: 'One subscription', access: 'key', query: noQuery(), success: { 200: 'the subscription' } }));
export const patchWebhookOperation = /* @__PURE__ */ once(() =>
  op({ summary: 'Change url, types, calendars, description or disabled', access: 'key', body: patchWebhookSchema(), query: noQuery(), success: { 200: 'the subscription' } }),
);
export const deleteWebhookOperation = /* @__PURE__ */ once(() => op({ summary: 'Unsubscribe', access: 'key', query: noQuery(), success: { 204: 'deleted' } }));
export const rotateWebhookSecretOperation = /* @__PURE__ */ once(() =>
  op({ summary: 'A new signing secret; the old one stays valid for 24 h', access: 'key', query: noQuery(), success: { 200: '{secret, previousSecretValidUntil}' } }),
);
export const testWebhookOperation = /* @__PURE__ */ once(() => op({ summary: 'Send a webhook.test message now', access: 'key', query: noQuery(), success: { 200: "{messageId, outcome}: the attempt's outcome" } }));
export const listDeliveriesOperation = /* @__PURE__ */ once(() => op({ summary: 'Deliveries, newest first, with their attempts', access: 'key', query: deliveriesQuerySchema(), success: { 200: '{items, nextCursor}' } }));
export const getDeliveryOperation = /* @__PURE__ */ once(() => op({ summary: 'One delivery: every attempt and the message', access: 'key', query: noQuery(), success: { 200: 'the delivery' } }));
export const retryDeliveryOperation = /* @__PURE__ */ once(() => op({ summary: 'Queue a delivery again, now', access: 'key', query: noQuery(), success: { 202: 'the delivery, queued' } }));
export const replayWebhookOperation = /* @__PURE__ */ once(() =>
  op({ summary: 'Start a job re-sending every matching change since an instant', access: 'key', body: replaySchema(), query: noQuery(), success: { 202: 'the replay job (Location)' } }),
);
// webhooks: replay jobs
export const getReplayOperation = /* @__PURE__ */ once(() => op({ summary: 'A replay job: status, progress, counts', access: 'key', query: noQuery(), success: { 200: 'the replay job' } }));
export const createKeyOperation = /* @__PURE__ */ once(() => op({ summary: 'Create an API key (shown once)', access: 'admin', body: createKeySchema(), query: noQuery(), success: { 201: '{id, name, role, key}' } }));
export const listKeysOperation = /* @__PURE__ */ once(() => op({ summary: 'List API keys (never their secrets)', access: 'admin', query: pageQuery(), success: { 200: '{items, nextCursor}' } }));
export const deleteKeyOperation = /* @__PURE__ */ once(() => op({ summary: 'Revoke an API key at once', access: 'admin', query: noQuery(), success: { 204: 'revoked' } }));

/** Every operation by route, for /openapi.json and the CDK app (a function imports only its own, above). */
export const operations = /* @__PURE__ */ builtOnAccess({
  'GET /': webPageOperation,
  'GET /app.js': webScriptOperation,
  'GET /app.css': webStylesOperation,
  'GET /embed/{calendar}': embedPageOperation,
  'GET /health': getHealthOperation,
  'GET /openapi.json': getOpenApiOperation,
  'PUT /calendars/{id}': putCalendarOperation,
  'GET /calendars': listCalendarsOperation,
  'GET /calendars/{id}': getCalendarOperation,
  'POST /events': createEventOperation,
  'GET /events': listEventsOperation,
  'GET /events/{id}': getEventOperation,
  'PATCH /events/{id}': patchEventOperation,
  'POST /events/{id}/cancel': cancelEventOperation,
  'PATCH /events/{id}/occurrences/{recurrenceId}': patchOccurrenceOperation,
  'POST /events/{id}/occurrences/{recurrenceId}/cancel': cancelOccurrenceOperation,
  'POST /events/{id}/occurrences/{recurrenceId}/restore': restoreOccurrenceOperation,
  'POST /events/{id}/occurrences/{recurrenceId}/split': splitSeriesOperation,
  'GET /events/{id}/history': getEventHistoryOperation,
  'POST /events/{id}/participants': addParticipantOperation,
  'PATCH /events/{id}/participants/{pid}': patchParticipantOperation,
  'DELETE /events/{id}/participants/{pid}': deleteParticipantOperation,
  'POST /calendars/{id}/import': importCalendarOperation,
  'POST /calendars/{id}/feed-tokens': createFeedTokenOperation,
  'GET /calendars/{id}/feed-tokens': listFeedTokensOperation,
  'DELETE /calendars/{id}/feed-tokens/{tokenId}': deleteFeedTokenOperation,
  'GET /feeds/{file}': getFeedOperation,
  'HEAD /feeds/{file}': headFeedOperation,
  'POST /webhooks': createWebhookOperation,
  'GET /webhooks': listWebhooksOperation,
  'GET /webhooks/{id}': getWebhookOperation,
  'PATCH /webhooks/{id}': patchWebhookOperation,
  'DELETE /webhooks/{id}': deleteWebhookOperation,
  'POST /webhooks/{id}/rotate-secret': rotateWebhookSecretOperation,
  'POST /webhooks/{id}/test': testWebhookOperation,
  'GET /webhooks/{id}/deliveries': listDeliveriesOperation,
  'GET /webhooks/{id}/deliveries/{deliveryId}': getDeliveryOperation,
  'POST /webhooks/{id}/deliveries/{deliveryId}/retry': retryDeliveryOperation,
  'POST /webhooks/{id}/replay': replayWebhookOperation,
  'GET /webhooks/{id}/replays/{jobId}': getReplayOperation,
  'POST /keys': createKeyOperation,
  'GET /keys': listKeysOperation,
  'DELETE /keys/{id}': deleteKeyOperation,
});

export type Route = keyof typeof operations;
