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
  if (!match) throw new DomainError('invalid', 'If-Match must be an ETag this API returned, e.g. "3"', [{ field: 'header.if-match', message: 'must look like "3"' }]);
  return Number(match[1]);
}
