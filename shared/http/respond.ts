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

/** The version an If-Match header names; undefined when absent or `*`. */
export function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
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

/** The API's public origin: PUBLIC_BASE_URL when set (a custom domain, CloudFront), else where the request came in. */
export function publicBaseUrl(event: { headers?: Record<string, string | undefined>; requestContext: { domainName: string } }): string {
  if (process.env.PUBLIC_BASE_URL) return process.env.PUBLIC_BASE_URL.replace(/\/$/, '');
  const proto = event.headers?.['x-forwarded-proto'] ?? 'https';
  return `${proto}://${event.headers?.host ?? event.requestContext.domainName}`;
}
