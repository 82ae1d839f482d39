/** The web page and its files, from the bundle itself; /embed/{calendar} is the read-only page other sites may frame. */
import { DomainError } from '#domain/errors';
import { api } from '#http/api';
import { webPageOperation } from '#http/operations';
import { assets } from '#web/assets';
import { serveAsset } from '#web/serve';

export const handler = api(webPageOperation(), async ({ event, header }) => {
  const embed = event.rawPath.startsWith('/embed/');
  const asset = assets[embed ? '/embed' : event.rawPath];
  if (!asset) throw new DomainError('not_found', 'no such page');
  const document = embed || event.rawPath === '/';
  return serveAsset(asset, {
    acceptEncoding: header('accept-encoding'),
    ifNoneMatch: header('if-none-match'),
    framable: embed,
    cacheControl: document ? 'no-cache' : 'public, max-age=300',
  });
});
