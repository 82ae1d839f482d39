/** OpenAPI 3.1, generated from the operation registry and the same zod schemas that validate requests. */
import { toJSONSchema } from 'zod/mini';
import { operations, type Operation } from './operations.ts';
import { fieldErrorCodes } from '#domain/errors';

const problem = { description: 'application/problem+json naming the offending field', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };

function parameters(path: string, operation: Operation) {
  const inPath = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const query = operation.query ? (toJSONSchema(operation.query, { io: 'input' }) as { properties?: Record<string, unknown> }) : {};
  const inQuery = Object.entries(query.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
  const inHeader = (operation.headers ?? []).map((name) => ({ name, in: 'header', required: false, schema: { type: 'string' } }));
  return [...inPath, ...inQuery, ...inHeader];
}

function operationObject(route: string, operation: Operation) {
  const [, path] = route.split(' ') as [string, string];
  const responses: Record<string, unknown> = Object.fromEntries(Object.entries(operation.success).map(([status, description]) => [status, { description }]));
  for (const status of operation.body ? [400, 401, 403, 404, 409, 412, 413, 415, 422] : [400, 401, 403, 404]) responses[status] = problem;
  return {
    summary: operation.summary,
    ...(operation.access === 'public' ? { security: [] } : { 'x-taqweem-access': operation.access }),
    parameters: parameters(path, operation),
    ...(operation.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJSONSchema(operation.body, { io: 'input', unrepresentable: 'any' }) } } } } : {}),
    responses,
  };
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [route, operation] of Object.entries(operations) as [string, Operation][]) {
    const [method, path] = route.split(' ') as [string, string];
    paths[path] = { ...paths[path], [method.toLowerCase()]: operationObject(route, operation) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Taqweem', version: '0.1.0', description: 'Event-sourced calendar service: every change is journaled; views and feeds derive from it.' },
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <key>' } },
      schemas: {
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
