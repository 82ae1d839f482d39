/**
 * The one middy stack every API function uses: problem+json errors, authentication, and validated JSON
 * bodies and queries. A handler receives a parsed request and returns a result; it never sees raw input.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { safeParse } from 'zod/mini';
import type { $ZodType } from 'zod/v4/core';
import { actorOf, authorize, resolvePrincipal, type Access, type Principal } from '#auth/keys';
import { deps, type Deps } from '#config/deps';
import { DomainError, isDomainError, type FieldErrorCode } from '#domain/errors';
import { LIMITS } from '#domain/schemas';
import { toFieldErrors } from '#domain/validation';
import { withDeadline } from '#journal/deadline';
import { checkIdempotencyKey, claimRequest, releaseRequest, requestFingerprint, settleRequest, type StoredResponse } from '#journal/idempotency';
import { fromDomainError, internalProblem, problemResponse } from './problem.ts';
import type { TextBody } from './operations.ts';
import { bodyBytes, decodeBody, firstTextPath, invalidEncoding, notUtf8Message, REPLACEMENT_MESSAGE, replacementPath, strictText } from './body.ts';
import { log } from '#config/log';
// ops (#11): Powertools middlewares and response metrics; the composition is in api() below.
import { cleanupMiddlewares } from '@aws-lambda-powertools/commons';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { countMetric, logger, metricNames, metrics, traced } from '#config/observability';

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
  /** An absent body means `{}` (POST /events/{id}/cancel); otherwise a body operation needs one. */
  bodyOptional?: boolean;
  query?: $ZodType<Query, unknown>;
  /** The command handles Idempotency-Key itself (POST /events fixes the id it creates). */
  ownIdempotency?: boolean;
  /** import (#14): the body is text of this media type (not JSON), handed over as a string. */
  textBody?: TextBody;
}

type Request = middy.Request<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, Context>;
/** `idempotencyPk`: the claim a first write request holds, to keep its answer under. */
type Internal = { principal: Principal; body: unknown; query: unknown; idempotencyPk?: string };

/** What the prepare step parsed, handed to the handler without widening the Lambda event's type. */
const parsedRequests = new WeakMap<APIGatewayProxyEventV2, Internal>();

const JSON_MEDIA_TYPE = /^application\/([a-z.+-]+\+)?json\s*(;|$)/i;

/** A charset parameter, when given, must name UTF-8 (any label the Encoding Standard maps to it): bodies are read as UTF-8 (audit F15). */
function declaresOtherCharset(contentType: string): boolean {
  const label = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType)?.[1];
  if (label === undefined) return false;
  try {
    return new TextDecoder(label).encoding !== 'utf-8';
  } catch {
    return true;
  }
}

const otherCharset = () => new DomainError('unsupported_media_type', 'send the body in UTF-8', [{ field: 'header.content-type', code: 'unsupported_media_type', message: 'must declare no charset or charset=utf-8' }]);

/** Turns errors into problem+json: 4xx say what is wrong; anything else is a logged, generic 500. */
const problemErrors = (): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => ({
  onError: async (request: Request) => {
    const error = request.error;
    if (isDomainError(error)) {
      const headers: Record<string, string> = error.code === 'unauthorized' ? { 'www-authenticate': 'Bearer' } : error.code === 'unavailable' ? { 'retry-after': '1' } : {};
      request.response = problemResponse(fromDomainError(error), headers);
      // Refused as busy, nothing recorded: the key is free again. Any other answer is the request's answer.
      await (error.code === 'unavailable' ? release(request) : settle(request));
      return;
    }
    const requestId = request.event.requestContext?.requestId;
    log('error', 'unhandled error', { requestId, route: request.event.routeKey, error: String(error), stack: (error as Error)?.stack });
    // The outcome is unknown, so the claim stays unanswered: a retry with the key gets a 409, never a second run.
    request.response = problemResponse(internalProblem(requestId));
  },
});

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Claims the request's Idempotency-Key, or answers with the response its first run kept. */
async function claimIdempotency(event: APIGatewayProxyEventV2, principal: Principal, body: unknown): Promise<{ pk?: string; replay?: StoredResponse }> {
  const key = checkIdempotencyKey(event.headers?.['idempotency-key']);
  if (!key) return {};
  const pk = `${actorOf(principal)}#${key}`;
  const fingerprint = requestFingerprint([event.routeKey, event.pathParameters ?? {}, body, event.headers?.['if-match'] ?? null]);
  const claim = await claimRequest(deps().client, deps().tables.idempotency, { pk, fingerprint, now: deps().now() });
  return claim.kind === 'replay' ? { replay: claim.response } : { pk };
}

/** A response with a secret (shown once, `no-store`) is not kept: its retry learns it was done, and where. */
function storable(response: APIGatewayProxyStructuredResultV2): StoredResponse {
  const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, value]) => [name, String(value)]));
  if (!/no-store/.test(headers['cache-control'] ?? '')) return { statusCode: response.statusCode ?? 200, headers, ...(response.body === undefined ? {} : { body: response.body }) };
  const problem = fromDomainError(new DomainError('conflict', `this request was already done${headers.location ? ` (${headers.location})` : ''}; its response held a secret, which is shown only once`));
  return { statusCode: problem.status, headers: { 'content-type': 'application/problem+json', ...(headers.location ? { location: headers.location } : {}) }, body: JSON.stringify(problem) };
}

async function settle(request: Request): Promise<void> {
  const pk = parsedRequests.get(request.event)?.idempotencyPk;
  if (pk && request.response && typeof request.response === 'object') await settleRequest(deps().client, deps().tables.idempotency, pk, storable(request.response));
}

async function release(request: Request): Promise<void> {
  const pk = parsedRequests.get(request.event)?.idempotencyPk;
  if (pk) await releaseRequest(deps().client, deps().tables.idempotency, pk);
}

/** How deep a JSON body may nest: ours need 4; a crafted one thousands deep must not reach the parser's recursion. */
const MAX_DEPTH = 16;

/** The deepest nesting of arrays and objects in JSON text, counted without parsing it. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** The path of a `__proto__` member anywhere in a parsed body: one rule for every body, refused by name. */
function prototypeKeyPath(value: unknown, path: string[] = []): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, member] of Object.entries(value)) {
    if (key === '__proto__') return [...path, key].join('.');
    const found = prototypeKeyPath(member, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** The path of a value's first member name or text holding a lone surrogate (I-JSON, RFC 7493 §2.1): no UTF-8 can hold it, so feeds would write U+FFFD where the API says otherwise. */
const loneSurrogatePath = (value: unknown): string | undefined => firstTextPath(value, (text) => LONE_SURROGATE.test(text));
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The path of the first member name given twice in one object, in text JSON.parse accepted. JSON.parse keeps
 * the last one silently, where another reader keeps the first (I-JSON, RFC 7493 §2.3, refuses them).
 */
function duplicateMemberPath(text: string): string | undefined {
  // One frame per open object or array: its path, and the names seen (objects) or the element index (arrays).
  const frames: { path: string[]; names?: Set<string>; index: number }[] = [];
  let member: string | undefined;
  const childPath = () => {
    const parent = frames.at(-1);
    if (!parent) return [];
    return [...parent.path, parent.names ? (member ?? '') : String(parent.index)];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const frame = frames.at(-1);
      let next = end + 1;
      while (text[next] === ' ' || text[next] === '\t' || text[next] === '\n' || text[next] === '\r') next++;
      if (frame?.names && text[next] === ':') {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        if (frame.names.has(name)) return [...frame.path, name].join('.');
        frame.names.add(name);
        member = name;
      }
      i = end;
    } else if (c === '{' || c === '[') frames.push({ path: childPath(), ...(c === '{' ? { names: new Set<string>() } : {}), index: 0 });
    else if (c === '}' || c === ']') frames.pop();
    else if (c === ',' && !frames.at(-1)?.names) frames.at(-1)!.index++;
  }
  return undefined;
}

const invalidBody = (message: string, code: FieldErrorCode, field = 'body') => new DomainError('invalid', `${field}: ${message}`, [{ field, code, message }]);

function parseJsonBody(event: APIGatewayProxyEventV2, optional: boolean): unknown {
  if (event.body === undefined || event.body === '') {
    if (optional) return {};
    throw invalidBody('is required: send a JSON object', 'required');
  }
  const raw = bodyBytes(event);
  if (raw.byteLength > LIMITS.bodyBytes)
    throw new DomainError('too_large', `the body is ${raw.byteLength} bytes; at most ${LIMITS.bodyBytes} are accepted`, [{ field: 'body', code: 'too_large', message: 'is too large' }]);
  if (!JSON_MEDIA_TYPE.test(event.headers?.['content-type'] ?? '')) {
    throw new DomainError('unsupported_media_type', 'send the body as application/json', [{ field: 'header.content-type', code: 'unsupported_media_type', message: 'must be application/json' }]);
  }
  if (declaresOtherCharset(event.headers?.['content-type'] ?? '')) throw otherCharset();
  const { text, utf8 } = decodeBody(raw);
  if (nestingDepth(text) > MAX_DEPTH) throw invalidBody(`nests deeper than ${MAX_DEPTH} levels`, 'too_deep');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    if (!utf8) throw invalidEncoding('body', notUtf8Message(raw));
    throw new DomainError('invalid', `the body is not valid JSON: ${(error as Error).message}`, [{ field: 'body', code: 'invalid_format', message: 'is not valid JSON' }]);
  }
  // edges3 (F9): bytes that are not UTF-8, or the U+FFFD a lenient decoder left for them, are refused where they are.
  const damaged = replacementPath(parsed);
  if (damaged || !utf8) throw invalidEncoding(damaged ?? 'body', utf8 ? REPLACEMENT_MESSAGE : notUtf8Message(raw));
  const prototypeKey = prototypeKeyPath(parsed);
  if (prototypeKey) throw invalidBody('is not a known field', 'unknown_field', prototypeKey);
  const duplicate = duplicateMemberPath(text);
  if (duplicate) throw invalidBody('is given twice in one object; send each field once', 'invalid_format', duplicate);
  const lone = loneSurrogatePath(parsed);
  if (lone) throw invalidBody('is not well-formed Unicode: it holds a lone surrogate (\\uD800–\\uDFFF without its pair)', 'invalid_format', lone);
  return parsed;
}

// import (#14) begin: a text body (text/calendar), checked for presence, size and media type like a JSON one.
function parseTextBody(event: APIGatewayProxyEventV2, expected: TextBody): string {
  if (event.body === undefined || event.body === '') throw invalidBody(`is required: send ${expected.mediaType}`, 'required');
  const raw = bodyBytes(event);
  if (raw.byteLength > expected.maxBytes)
    throw new DomainError('too_large', `the body is ${raw.byteLength} bytes; at most ${expected.maxBytes} are accepted`, [{ field: 'body', code: 'too_large', message: `must be at most ${expected.maxBytes} bytes` }]);
  const type = (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== expected.mediaType) {
    throw new DomainError('unsupported_media_type', `send the body as ${expected.mediaType}`, [{ field: 'header.content-type', code: 'unsupported_media_type', message: `must be ${expected.mediaType}` }]);
  }
  if (declaresOtherCharset(event.headers?.['content-type'] ?? '')) throw otherCharset();
  return strictText(raw); // edges3 (F9)
}
// import (#14) end

function validate<T>(schema: $ZodType<T, unknown> | undefined, input: unknown, prefix: string): T {
  if (!schema) return input as T;
  // reportInput: a wrong-typed field is told from a missing one (its input never reaches the response).
  const parsed = safeParse(schema, input, { reportInput: true });
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
    if (!options.body && !options.textBody && event.body) throw new DomainError('invalid', 'this request takes no body', [{ field: 'body', code: 'invalid_value', message: 'must be empty' }]);
    const body = options.textBody ? parseTextBody(event, options.textBody) : options.body ? parseJsonBody(event, options.bodyOptional ?? false) : undefined;
    const internal: Internal = {
      principal,
      body: validate(options.body, body, ''),
      query: validate(options.query, { ...(event.queryStringParameters ?? {}) }, 'query'),
    };
    parsedRequests.set(event, internal);
    if (!WRITE_METHODS.has(event.requestContext?.http?.method ?? '') || options.ownIdempotency) return;
    const { pk, replay } = await claimIdempotency(event, principal, internal.body);
    internal.idempotencyPk = pk;
    if (replay) {
      // An answer from here skips every `after`: Powertools' cleanups run now (the trace subsegment closes, so the
      // next invocation is not traced inside this one; the metrics flush).
      await cleanupMiddlewares(request);
      return { ...replay, headers: { ...replay.headers, 'idempotent-replayed': 'true' } };
    }
  },
  after: settle,
});

// ops (#11) begin: what every response tells operators (EMF), and absolute Location headers.
/** 5xx answers are counted here: the function returns them, so Lambda's Errors metric never sees them. */
const observe = (): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2> => {
  const after = async (request: Request) => {
    const response = request.response;
    if (!response || typeof response !== 'object') return;
    const status = response.statusCode ?? 200;
    if (status >= 500) countMetric(metricNames.serverErrors);
    // By path, not routeKey: feeds come through a function URL, whose events all carry routeKey $default.
    if (/^\/feeds\//.test(request.event.rawPath ?? '')) {
      if (status === 200) countMetric(metricNames.feedRenders);
      if (status === 304) countMetric(metricNames.feedNotModified);
    }
    // Every URL the service mints names its public origin (the custom domain), never the host a request came in on.
    const location = response.headers?.location;
    const base = process.env.PUBLIC_BASE_URL?.replace(/\/$/, '');
    if (base && typeof location === 'string' && location.startsWith('/')) response.headers = { ...response.headers, location: `${base}${location}` };
  };
  return {
    before: async (request: Request) => {
      logger.setCorrelationId(request.event.requestContext?.requestId);
      logger.appendKeys({ route: request.event.routeKey });
    },
    after,
    onError: after,
  };
};
// ops (#11) end

/**
 * @example
 * export const handler = api(cancelEventOperation(), async ({ deps, params, body, principal }) => json(200, …));
 */
export function api<Body = undefined, Query = Record<string, string>>(
  options: ApiOptions<Body, Query>,
  handler: (request: ApiRequest<Body, Query>) => Promise<APIGatewayProxyResultV2>,
  // --- feeds: a response streamed through Lambda's response streaming (a function URL), past the 6 MB limit
  plugin: { streamifyResponse?: boolean } = {},
) {
  if (plugin.streamifyResponse && typeof (globalThis as { awslambda?: { streamifyResponse?: unknown } }).awslambda?.streamifyResponse !== 'function') {
    // Lambda's Node.js runtime (or the local runtime's stand-in, infra/local/streaming.ts) provides it; plain Node does not.
    return async () => {
      throw new Error('this function streams its response: run it on Lambda or in the local runtime');
    };
  }
  // ops (#11): a trace segment, context-aware logs, metrics flushed per request, then the response observed after problemErrors shaped it.
  const stack = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, Context>(plugin)
    .use(traced())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(observe())
    .use(problemErrors())
    .use(prepare(options));
  // --- end feeds
  return stack.handler(async (event, context) => {
    const parsed = parsedRequests.get(event)!;
    // Writes stop trying a margin before the function's timeout, so a timed-out request has recorded nothing.
    const remaining = context?.getRemainingTimeInMillis?.() ?? 30_000;
    return withDeadline(Date.now() + Math.max(remaining - 2_000, remaining / 2), () =>
      handler({
        event,
        body: parsed.body as Body,
        query: parsed.query as Query,
        params: (event.pathParameters ?? {}) as Record<string, string>,
        header: (name) => event.headers?.[name.toLowerCase()],
        principal: parsed.principal,
        actor: actorOf(parsed.principal),
        deps: deps(),
      }),
    );
  });
}
