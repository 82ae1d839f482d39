/**
 * The one middy stack every API function uses: problem+json errors, authentication, and validated JSON
 * bodies and queries. A handler receives a parsed request and returns a result; it never sees raw input.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { safeParse } from 'zod/mini';
import type { $ZodType } from 'zod/v4/core';
import { actorOf, authorize, resolvePrincipal, type Access, type Principal } from '#auth/keys';
import { deps, type Deps } from '#config/deps';
import { DomainError, isDomainError } from '#domain/errors';
import { LIMITS } from '#domain/schemas';
import { toFieldErrors } from '#domain/validation';
import { fromDomainError, internalProblem, problemResponse } from './problem.ts';
import { log } from '#config/log';

export interface ApiRequest<Body, Query> {
  event: APIGatewayProxyEventV2;
  body: Body;
  query: Query;
  params: Record<string, string>;
  header: (name: string) => string | undefined;
  principal: Principal;
  actor: string;
  deps: Deps;
}

export interface ApiOptions<Body, Query> {
  access: Access;
  body?: $ZodType<Body, unknown>;
  query?: $ZodType<Query, unknown>;
}

type Request = middy.Request<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, Context>;
type Internal = { principal: Principal; body: unknown; query: unknown };

/** What the prepare step parsed, handed to the handler without widening the Lambda event's type. */
const parsedRequests = new WeakMap<APIGatewayProxyEventV2, Internal>();

const JSON_MEDIA_TYPE = /^application\/([a-z.+-]+\+)?json\s*(;|$)/i;

/** Turns errors into problem+json: 4xx say what is wrong; anything else is a logged, generic 500. */
const problemErrors = (): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => ({
  onError: async (request: Request) => {
    const error = request.error;
    if (isDomainError(error)) {
      request.response = problemResponse(fromDomainError(error), error.code === 'unauthorized' ? { 'www-authenticate': 'Bearer' } : {});
      return;
    }
    const requestId = request.event.requestContext?.requestId;
    log('error', 'unhandled error', { requestId, route: request.event.routeKey, error: String(error), stack: (error as Error)?.stack });
    request.response = problemResponse(internalProblem(requestId));
  },
});

function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > LIMITS.bodyBytes) throw new DomainError('too_large', `the body is ${raw.byteLength} bytes; at most ${LIMITS.bodyBytes} are accepted`, [{ field: 'body', code: 'too_large', message: 'is too large' }]);
  if (!JSON_MEDIA_TYPE.test(event.headers?.['content-type'] ?? '')) {
    throw new DomainError('unsupported_media_type', 'send the body as application/json', [{ field: 'header.content-type', code: 'unsupported_media_type', message: 'must be application/json' }]);
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new DomainError('invalid', `the body is not valid JSON: ${(error as Error).message}`, [{ field: 'body', code: 'invalid_format', message: 'is not valid JSON' }]);
  }
}

function validate<T>(schema: $ZodType<T, unknown> | undefined, input: unknown, prefix: string): T {
  if (!schema) return input as T;
  const parsed = safeParse(schema, input);
  if (!parsed.success) {
    const errors = toFieldErrors(parsed.error, prefix);
    throw new DomainError('invalid', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  }
  return parsed.data;
}

const prepare = <Body, Query>(options: ApiOptions<Body, Query>): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => ({
  before: async (request: Request) => {
    const { event } = request;
    // The admin key's hash is fetched only when a request presents a key.
    const principal = await resolvePrincipal(event.headers?.authorization, deps().journal, deps().adminKeyHash);
    authorize(principal, options.access);
    const body = options.body ? parseJsonBody(event) : undefined;
    if (!options.body && event.body) throw new DomainError('invalid', 'this request takes no body', [{ field: 'body', message: 'must be empty' }]);
    const internal: Internal = {
      principal,
      body: validate(options.body, body ?? {}, ''),
      query: validate(options.query, { ...(event.queryStringParameters ?? {}) }, 'query'),
    };
    parsedRequests.set(event, internal);
  },
});

/**
 * @example
 * export const handler = api(operations['POST /events/{id}/cancel'], async ({ deps, params, body, principal }) => json(200, …));
 */
export function api<Body = undefined, Query = Record<string, string>>(
  options: ApiOptions<Body, Query>,
  handler: (request: ApiRequest<Body, Query>) => Promise<APIGatewayProxyResultV2>,
) {
  const stack = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, Context>().use(problemErrors()).use(prepare(options));
  return stack.handler(async (event) => {
    const parsed = parsedRequests.get(event)!;
    return handler({
      event,
      body: parsed.body as Body,
      query: parsed.query as Query,
      params: (event.pathParameters ?? {}) as Record<string, string>,
      header: (name) => event.headers?.[name.toLowerCase()],
      principal: parsed.principal,
      actor: actorOf(parsed.principal),
      deps: deps(),
    });
  });
}
