/** Response shapes shared by the API functions. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError } from '#domain/errors';

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

export function noContent(headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode: 204, headers };
}

export const etag = (version: number): string => `"${version}"`;

/**
 * The version an If-Match header names; undefined when absent or `*`. If-Match compares strongly (RFC 9110
 * §13.1.1): a weak ETag never matches, so it is a failed precondition (412), not a malformed header.
 */
export function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  if (/^\s*W\/"[^"]*"\s*(,\s*W\/"[^"]*"\s*)*$/.test(ifMatch)) {
    throw new DomainError('precondition_failed', 'If-Match uses strong comparison, which a weak ETag never satisfies (RFC 9110 §13.1.1)', [
      { field: 'header.if-match', code: 'stale', message: 'is a weak ETag, which never matches: send the ETag this API returned, e.g. "3"' },
    ]);
  }
  const match = /^\s*"(\d+)"\s*$/.exec(ifMatch);
  if (!match) throw new DomainError('invalid', 'If-Match must be an ETag this API returned, e.g. "3"', [{ field: 'header.if-match', code: 'invalid_format', message: 'must look like "3"' }]);
  return Number(match[1]);
}

/** If-None-Match (weak comparison, RFC 9110 §13.1.2): does the client already hold this representation? */
export function notModified(ifNoneMatch: string | undefined, currentEtag: string): boolean {
  if (!ifNoneMatch) return false;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => strip(tag) === strip(currentEtag));
}

export interface CalendarResponse {
  etag: string;
  lastModified: Date;
  cacheControl: string;
  filename: string;
  disposition: 'inline' | 'attachment';
}

/** An iCalendar response; without a body (a 304, or the answer to HEAD) it carries the same headers. */
export function calendarResponse(statusCode: 200 | 304, body: string | undefined, options: CalendarResponse): APIGatewayProxyStructuredResultV2 {
  const headers = {
    'content-type': 'text/calendar; charset=utf-8',
    etag: options.etag,
    'last-modified': options.lastModified.toUTCString(),
    'cache-control': options.cacheControl,
    'content-disposition': `${options.disposition}; filename="${options.filename}"`,
    vary: 'authorization',
  };
  return body === undefined ? { statusCode, headers } : { statusCode, headers, body };
}

/**
 * The service's public origin, for every URL it mints (feed-token URLs, Location): PUBLIC_BASE_URL, which the
 * CDK stack always sets (the custom domain, else CloudFront). Without it (the local runtime) the origin is the
 * one API Gateway says it was invoked on (requestContext.domainName), never a client's Host header.
 */
export function publicBaseUrl(event: { headers?: Record<string, string | undefined>; requestContext: { domainName: string } }): string {
  if (process.env.PUBLIC_BASE_URL) return process.env.PUBLIC_BASE_URL.replace(/\/$/, '');
  const proto = event.headers?.['x-forwarded-proto'] === 'http' ? 'http' : 'https';
  return `${proto}://${event.requestContext.domainName}`;
}
