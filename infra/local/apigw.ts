/** Node HTTP ⇄ API Gateway HTTP API (payload format 2.0), so handlers see exactly what they see on AWS. */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

export interface RouteMatch {
  routeKey: string;
  pathParameters?: Record<string, string>;
}

const TEXTUAL = /^(application\/([a-z.+-]*json|xml|x-www-form-urlencoded)|text\/)/i;

function clfTime(date: Date): string {
  const [weekdayless] = [date.toUTCString().slice(5, 25)]; // "28 Nov 2026 02:32:20"
  const [day, month, year, time] = weekdayless.split(' ');
  return `${day}/${month}/${year}:${time} +0000`;
}

export function toApiGatewayEvent(req: IncomingMessage, body: Buffer, match: RouteMatch): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // API Gateway adds these; behind it the handlers learn how they were reached.
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  // API Gateway does not document what it does with bytes that are not UTF-8 under a textual media type; here they
  // come base64-encoded, as binary, so the handler sees the bytes (it refuses them, and U+FFFD too: docs/decisions/0027).
  const textual = body.length === 0 || (TEXTUAL.test(headers['content-type'] ?? '') && isUtf8(body));
  const now = new Date();
  return {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(req.headers.cookie ? { cookies: req.headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(match.pathParameters ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0]!,
      http: { method: req.method ?? 'GET', path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: match.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

/** Writes a handler's result as API Gateway would, including its inference for results without a statusCode. */
export function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2, method: string): void {
  const structured =
    typeof result === 'object' && result !== null && 'statusCode' in result
      ? result
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: typeof result === 'string' ? result : JSON.stringify(result) };
  const body = structured.body === undefined ? Buffer.alloc(0) : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  res.statusCode = structured.statusCode ?? 200;
  for (const [name, value] of Object.entries(structured.headers ?? {})) res.setHeader(name, String(value));
  if (structured.cookies?.length) res.setHeader('set-cookie', structured.cookies);
  if (res.statusCode !== 204 && res.statusCode !== 304) res.setHeader('content-length', body.length);
  res.end(method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304 ? undefined : body);
}
