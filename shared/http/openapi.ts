/** OpenAPI 3.1, generated from the operation registry and the same zod schemas that validate requests. */
import { toJSONSchema } from 'zod/mini';
import { operations, type Operation } from './operations.ts';
import { fieldErrorCodes } from '#domain/errors';
import { SUPPORTED_YEARS } from '#domain/time';
import { components, successResponses } from './openapi-responses.ts';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const errorDescriptions: Record<number, string> = {
  400: 'invalid request: the problem names each offending field',
  401: 'no key, or an unknown or revoked one',
  403: "the key's role may not do this",
  404: 'no such resource (or not visible to the caller)',
  409: 'conflicts with the current state, or an Idempotency-Key still in use',
  412: 'If-Match names another version, or a weak ETag',
  413: 'body over 64 KiB',
  415: 'body not application/json',
  422: 'refers to something that does not exist, or an Idempotency-Key reused for another request',
  503: 'too busy to record the change in time: nothing was recorded, retry (see Retry-After)',
};

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** "PATCH /events/{id}/participants/{pid}" → "patchEventsByIdParticipantsByPid". */
export function operationId(route: string): string {
  const [method, path] = route.split(' ') as [string, string];
  const words = path
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/^\{(\w+)\}$/, 'by-$1').replace(/\.(\w+)$/, '-$1'))
    .flatMap((part) => part.split(/[-_]/))
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return method.toLowerCase() + (words.join('') || 'Root');
}

function parameters(path: string, operation: Operation) {
  const inPath = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const query = operation.query ? (toJSONSchema(operation.query, { io: 'input' }) as { properties?: Record<string, unknown> }) : {};
  const inQuery = Object.entries(query.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
  const inHeader = (operation.headers ?? []).map((name) => ({ name, in: 'header', required: false, schema: { type: 'string' } }));
  return [...inPath, ...inQuery, ...inHeader];
}

function operationObject(route: string, operation: Operation) {
  const [method, path] = route.split(' ') as [string, string];
  const responses: Record<string, unknown> = { ...successResponses(route, operation.success) };
  const errors = WRITE.has(method) ? [400, 401, 403, 404, 409, 412, 422, 503, ...(operation.body || operation.textBody ? [413, 415] : [])] : [400, 401, 403, 404];
  for (const status of errors.sort()) responses[status] = problem(errorDescriptions[status]!);
  // import (#14): a text body has its own media type and size limit.
  if (operation.textBody) {
    responses[413] = problem(`body over ${operation.textBody.maxBytes} bytes`);
    responses[415] = problem(`body not ${operation.textBody.mediaType}`);
  }
  return {
    operationId: operationId(route),
    summary: operation.summary,
    ...(operation.access === 'public' ? { security: [] } : { 'x-taqweem-access': operation.access }),
    parameters: parameters(path, operation),
    ...(operation.textBody
      ? { requestBody: { required: true, description: operation.textBody.description, content: { [operation.textBody.mediaType]: { schema: { type: 'string', maxLength: operation.textBody.maxBytes } } } } }
      : {}),
    ...(operation.body ? { requestBody: { required: !operation.bodyOptional, content: { 'application/json': { schema: toJSONSchema(operation.body, { io: 'input', unrepresentable: 'any' }) } } } } : {}),
    responses,
  };
}

/** /events/{id}.ics is served by GET /events/{id} (API Gateway routes whole segments), and documented on its own. */
function icsOperation() {
  const query = toJSONSchema(operations['GET /events/{id}'].query!, { io: 'input' }) as unknown as { properties: Record<string, unknown> };
  return {
    operationId: 'getEventIcs',
    summary: 'One event as iCalendar (served by the GET /events/{id} route)',
    security: [],
    parameters: [
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'lang', in: 'query', required: false, schema: query.properties.lang },
      { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } },
    ],
    responses: { ...successResponses('GET /events/{id}.ics', { 200: 'text/calendar', 304: 'not modified' }), 400: problem(errorDescriptions[400]!), 404: problem(errorDescriptions[404]!) },
  };
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [route, operation] of Object.entries(operations) as [string, Operation][]) {
    const [method, path] = route.split(' ') as [string, string];
    paths[path] = { ...paths[path], [method.toLowerCase()]: operationObject(route, operation) };
  }
  paths['/events/{id}.ics'] = { get: icsOperation() };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Taqweem',
      version: '0.1.0',
      description: [
        'Event-sourced calendar service: every change is journaled; views and feeds derive from it.',
        `Dates and times are accepted in the years ${SUPPORTED_YEARS.from} to ${SUPPORTED_YEARS.to} (field error \`out_of_range\` outside them, and for times in local mean time, whose offsets are not whole minutes).`,
        'A timed schedule whose start or end happens twice (clocks set back) needs `"disambiguation": "earlier" | "later"`; one skipped by a clock change is refused.',
        'Every write honours `Idempotency-Key`: a retry with the same key and request gets the first answer (`Idempotent-Replayed: true`) and is never applied twice.',
      ].join('\n\n'),
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '{origin}', description: 'where this deployment answers', variables: { origin: { default: 'http://localhost:3000', description: 'the public base URL' } } }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <key>' } },
      headers: {
        ETag: { description: 'the version, for If-Match', schema: { type: 'string' } },
        Location: { description: 'where the created resource is', schema: { type: 'string' } },
        'Idempotent-Replayed': { description: '"true" on the answer kept for an Idempotency-Key', schema: { type: 'string', enum: ['true'] } },
      },
      schemas: {
        ...components(),
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['field', 'code', 'message'],
                properties: {
                  field: { type: 'string', description: 'dotted path into the request, e.g. "schedule.end", "query.cursor", "header.if-match"' },
                  code: { type: 'string', enum: [...fieldErrorCodes], description: 'stable reason, for clients to translate' },
                  message: { type: 'string', description: 'English prose' },
                },
              },
            },
          },
        },
      },
    },
    paths,
  };
}
