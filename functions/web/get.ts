/** The web page and its two files, from the bundle itself. */
import { DomainError } from '#domain/errors';
import { api } from '#http/api';
import { operations } from '#http/operations';
import { notModified } from '#http/respond';
import { assets } from '#web/assets';

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  // Feed-token URLs never leak to other sites through Referer.
  'referrer-policy': 'no-referrer',
};

export const handler = api(operations['GET /'], async ({ event, header }) => {
  const asset = assets[event.rawPath];
  if (!asset) throw new DomainError('not_found', 'no such page');
  const headers = { 'content-type': asset.type, etag: asset.etag, 'cache-control': event.rawPath === '/' ? 'no-cache' : 'public, max-age=300', ...SECURITY_HEADERS };
  if (notModified(header('if-none-match'), asset.etag)) return { statusCode: 304, headers };
  return { statusCode: 200, headers, body: asset.body };
});
