/** What each operation answers on success: body schemas and headers, for /openapi.json. */
import { toJSONSchema } from 'zod/mini';
import type { $ZodType } from 'zod/v4/core';
import { fieldErrorCodes } from '#domain/errors';
import { calendarInputSchema, eventFieldsSchema, participantInputSchema } from '#domain/schemas';

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const string = { type: 'string' };
const integer = { type: 'integer' };
const instant = { type: 'string', format: 'date-time' };
const object = (required: string[], properties: Schema = {}): Schema => ({ type: 'object', required, properties });
const page = (items: Schema): Schema => object(['items', 'nextCursor'], { items: { type: 'array', items }, nextCursor: { type: ['string', 'null'], description: 'pass as ?cursor= for the next page; null on the last' } });

function output(schema: $ZodType): { properties: Schema; required?: string[] } {
  const { $schema: _dialect, ...json } = toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as unknown as { $schema?: string; properties: Schema; required?: string[] };
  return json;
}

// import (#14): what POST /calendars/{id}/import answers.
function importReport(): Schema {
  const imported = { type: 'array', items: object(['uid', 'eventId'], { uid: string, eventId: string }) };
  const skipped = object(['component', 'code', 'message'], {
    uid: string,
    recurrenceId: string,
    component: { ...string, description: 'VEVENT, VTODO, …' },
    field: { ...string, description: 'the property or event field refused, e.g. "title", "DTSTART", "RRULE"' },
    code: { ...string, enum: [...fieldErrorCodes], description: 'the field error code' },
    message: string,
  });
  return {
    ...object(['calendar', 'complete', 'created', 'updated', 'unchanged', 'skipped', 'remaining'], {
      calendar: string,
      complete: { type: 'boolean', description: 'false when the deadline came first (202): repeat the request with resume.idempotencyKey' },
      created: imported,
      updated: imported,
      unchanged: imported,
      skipped: { type: 'array', items: skipped },
      remaining: { ...integer, description: 'events not imported yet' },
      resume: object(['idempotencyKey', 'detail'], { idempotencyKey: string, detail: string }),
    }),
    additionalProperties: false,
  };
}

/** The resources the API answers with, as components. */
export function components(): Record<string, Schema> {
  const fields = output(eventFieldsSchema());
  const participant = output(participantInputSchema());
  const calendar = output(calendarInputSchema());
  return {
    Participant: { ...participant, required: ['id', 'name', 'role', 'status'], properties: { id: string, ...participant.properties } },
    Event: {
      ...fields,
      description: 'Without a key, e-mail addresses (organizer, participants) are left out.',
      required: ['id', 'calendar', 'title', 'schedule', 'kind', 'visibility', 'status', 'tags', 'participants', 'sequence', 'version', 'createdAt', 'updatedAt'],
      properties: {
        ...fields.properties,
        id: string,
        calendar: string,
        status: { type: 'string', enum: ['tentative', 'confirmed', 'cancelled'] },
        participants: { type: 'array', items: ref('Participant') },
        cancelReason: string,
        cancelledAt: instant,
        sequence: { ...integer, description: 'iCalendar SEQUENCE' },
        version: { ...integer, description: 'as in the ETag' },
        createdAt: instant,
        updatedAt: instant,
        uid: { ...string, description: 'the iCalendar UID an imported event came with; feeds write it as its UID (others: <id>@taqweem)' },
        // recur (#14)
        overrides: {
          type: 'array',
          description: 'a series: occurrences changed on their own, by recurrence id (moved: schedule; edited: fields; cancelled)',
          items: object(['recurrenceId'], { recurrenceId: string, schedule: { type: 'object' }, fields: { type: 'object' }, cancelled: { type: 'boolean' }, reason: string, sequence: integer }),
        },
        splitFrom: { ...object(['series', 'recurrenceId'], { series: string, recurrenceId: string }), description: 'the series this one continues ("this and following")' },
        splitTo: { ...object(['series', 'recurrenceId'], { series: string, recurrenceId: string }), description: 'the series that continues this one from recurrenceId' },
      },
    },
    // occur (#14): a list row is an event, or one occurrence of a series (0017 "Views as built").
    EventSummary: {
      ...object(['id', 'calendar', 'title', 'schedule', 'status'], {
        id: { ...string, description: 'the event; for an occurrence, its series' },
        calendar: string,
        title: { type: 'object' },
        schedule: { type: 'object', description: "for an occurrence, that occurrence's own schedule (the series' type, without recurrence)" },
        status: { ...string, description: 'for an occurrence, its own: cancelled when it (or its series) is' },
        occurrence: {
          ...object(['seriesId', 'recurrenceId', 'overridden', 'cancelled'], {
            seriesId: string,
            recurrenceId: { ...string, description: 'its original start as the series writes it (a local date-time, a date or a month): the {recurrenceId} of the occurrence routes' },
            overridden: { type: 'boolean', description: 'moved or edited on its own' },
            cancelled: { type: 'boolean', description: 'cancelled on its own' },
          }),
          description: 'only on occurrences of a series; single events have neither occurrence nor series',
        },
        series: { ...object(['recurrence'], { recurrence: { type: 'object', description: "the series' recurrence as GET /events/{id} writes it" } }), description: 'only on occurrences of a series' },
        version: { ...integer, description: "for an occurrence, the series' version when this occurrence's row last changed (an edit of another occurrence leaves it): GET /events/{id} for the ETag" },
      }),
      description:
        "One row of GET /events: an event as stored, or one occurrence of a series (the series with the occurrence's schedule, status and changed fields, plus occurrence and series). Rows are in start order; without `to`, occurrences of series are listed up to 366 days after `from` (or now).",
    },
    Calendar: {
      ...calendar,
      required: [...(calendar.required ?? []), 'id', 'version', 'createdAt', 'updatedAt'],
      properties: { ...calendar.properties, id: string, version: integer, createdAt: instant, updatedAt: instant },
    },
    Change: {
      ...object(['eventId', 'id', 'type', 'version', 'at', 'data', 'schemaVersion'], { eventId: string, id: string, type: string, version: integer, at: instant, data: { type: 'object' }, schemaVersion: integer }),
      description: 'One recorded change. `actor` (which key recorded it) is shown to key holders only.',
    },
    Listed: object(['id'], { id: string }),
    // import (#14)
    ImportReport: importReport(),
    Webhook: object(['id', 'url', 'types', 'signature'], {
      id: string,
      url: string,
      types: { type: 'array', items: string },
      signature: { type: 'string', enum: ['v1', 'v1a'], description: 'Standard Webhooks signature scheme: v1 HMAC-SHA256 (shared secret), v1a ed25519' },
      publicKey: { type: 'string', pattern: '^whpk_', description: 'v1a only: the current public key (base64 of the raw 32-byte ed25519 key) that verifies the v1a signatures' },
    }),
    Delivery: object(['id'], { id: string }),
  };
}

interface Success {
  body?: Schema;
  type?: string;
  headers?: string[];
}

const calendarFile = { body: string, type: 'text/calendar', headers: ['ETag', 'Last-Modified', 'Cache-Control'] };
const asset = (type: string): Success => ({ body: string, type, headers: ['ETag'] });

/** By route and status; a status not listed has no body. */
const bodies: Record<string, Record<number, Success>> = {
  'GET /': { 200: asset('text/html') },
  'GET /app.js': { 200: asset('text/javascript') },
  'GET /app.css': { 200: asset('text/css') },
  'GET /health': { 200: { body: object(['status'], { status: string }) }, 503: { body: object(['status'], { status: string, detail: string }) } },
  'GET /openapi.json': { 200: { body: { type: 'object' } } },
  'PUT /calendars/{id}': { 200: { body: ref('Calendar'), headers: ['ETag'] }, 201: { body: ref('Calendar'), headers: ['ETag', 'Location'] } },
  'GET /calendars': { 200: { body: page(ref('Listed')) } },
  'GET /calendars/{id}': { 200: { body: ref('Calendar'), headers: ['ETag'] } },
  'POST /events': { 201: { body: ref('Event'), headers: ['ETag', 'Location'] } },
  'GET /events': { 200: { body: page(ref('EventSummary')) } },
  'GET /events/{id}': { 200: { body: ref('Event'), headers: ['ETag'] } },
  'GET /events/{id}.ics': { 200: calendarFile, 304: { headers: ['ETag'] } },
  'PATCH /events/{id}': { 200: { body: ref('Event'), headers: ['ETag'] } },
  'POST /events/{id}/cancel': { 200: { body: ref('Event'), headers: ['ETag'] } },
  'PATCH /events/{id}/occurrences/{recurrenceId}': { 200: { body: ref('Event'), headers: ['ETag'] } },
  'POST /events/{id}/occurrences/{recurrenceId}/cancel': { 200: { body: ref('Event'), headers: ['ETag'] } },
  'POST /events/{id}/occurrences/{recurrenceId}/restore': { 200: { body: ref('Event'), headers: ['ETag'] } },
  'POST /events/{id}/occurrences/{recurrenceId}/split': { 200: { body: ref('Event'), headers: ['ETag'] }, 201: { body: ref('Event'), headers: ['ETag', 'Location'] } },
  'GET /events/{id}/history': { 200: { body: page(ref('Change')) } },
  'POST /events/{id}/participants': { 201: { body: ref('Event'), headers: ['ETag', 'Location'] } },
  'PATCH /events/{id}/participants/{pid}': { 200: { body: ref('Event'), headers: ['ETag'] } },
  'DELETE /events/{id}/participants/{pid}': { 200: { body: ref('Event'), headers: ['ETag'] } },
  'POST /calendars/{id}/import': { 200: { body: ref('ImportReport') }, 202: { body: ref('ImportReport') } },
  'POST /calendars/{id}/feed-tokens': { 201: { body: object(['id', 'label', 'token', 'url'], { id: string, label: string, token: string, url: string }), headers: ['Location'] } },
  'GET /calendars/{id}/feed-tokens': { 200: { body: page(ref('Listed')) } },
  'GET /feeds/{file}': { 200: calendarFile, 304: { headers: ['ETag'] } },
  'HEAD /feeds/{file}': { 200: { headers: ['ETag', 'Last-Modified', 'Cache-Control', 'Content-Length'] }, 304: { headers: ['ETag'] } },
  'POST /webhooks': {
    201: {
      body: {
        allOf: [ref('Webhook'), object([], { secret: { type: 'string', pattern: '^whsec_', description: 'v1 only, shown this once; a v1a subscription has publicKey instead and its private key is never shown' } })],
      },
      headers: ['Location'],
    },
  },
  'GET /webhooks': { 200: { body: page(ref('Webhook')) } },
  'GET /webhooks/{id}': { 200: { body: ref('Webhook'), headers: ['ETag'] } },
  'PATCH /webhooks/{id}': { 200: { body: ref('Webhook'), headers: ['ETag'] } },
  'POST /webhooks/{id}/rotate-secret': {
    200: {
      body: {
        oneOf: [
          object(['secret', 'previousSecretValidUntil'], { secret: string, previousSecretValidUntil: instant }),
          object(['publicKey', 'previousPublicKeyValidUntil'], { publicKey: string, previousPublicKeyValidUntil: instant }),
        ],
      },
    },
  },
  'POST /webhooks/{id}/test': { 200: { body: object(['messageId', 'outcome'], { messageId: string, outcome: { type: 'object' } }) } },
  'GET /webhooks/{id}/deliveries': { 200: { body: page(ref('Delivery')) } },
  'GET /webhooks/{id}/deliveries/{deliveryId}': { 200: { body: ref('Delivery') } },
  'POST /webhooks/{id}/deliveries/{deliveryId}/retry': { 202: { body: ref('Delivery') } },
  'POST /webhooks/{id}/replay': { 202: { body: { type: 'object' } } },
  'POST /keys': { 201: { body: object(['id', 'name', 'role', 'key'], { id: string, name: string, role: string, key: string }), headers: ['Location'] } },
  'GET /keys': { 200: { body: page(ref('Listed')) } },
};

const headerDocs: Record<string, Schema> = {
  ETag: { $ref: '#/components/headers/ETag' },
  Location: { $ref: '#/components/headers/Location' },
  'Last-Modified': { schema: string },
  'Cache-Control': { schema: string },
  'Content-Length': { description: 'as the GET would send', schema: string },
};

/** The success responses of an operation, with their bodies and headers; writes may carry Idempotent-Replayed. */
export function successResponses(route: string, success: Record<number, string>): Record<string, unknown> {
  const write = /^(POST|PUT|PATCH|DELETE) /.test(route);
  return Object.fromEntries(
    Object.entries(success).map(([status, description]) => {
      const documented = bodies[route]?.[Number(status)] ?? {};
      const names = [...(documented.headers ?? []), ...(write ? ['Idempotent-Replayed'] : [])];
      const headers = Object.fromEntries(names.map((name) => [name, headerDocs[name] ?? { $ref: `#/components/headers/${name}` }]));
      return [
        status,
        {
          description,
          ...(names.length > 0 ? { headers } : {}),
          ...(documented.body ? { content: { [documented.type ?? 'application/json']: { schema: documented.body } } } : {}),
        },
      ];
    }),
  );
}
