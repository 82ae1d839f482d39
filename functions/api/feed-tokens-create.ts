import { createFeedToken } from '#commands/feed-tokens';
import { api } from '#http/api';
import { createFeedTokenOperation } from '#http/operations';
import { json, publicBaseUrl } from '#http/respond';

export const handler = api(createFeedTokenOperation(), async ({ deps, params, body, principal, event }) => {
  const created = await createFeedToken(deps, params.id!, body.label, principal);
  const url = `${publicBaseUrl(event)}/feeds/${params.id}.ics?token=${created.token}`;
  return json(201, { ...created, url }, { location: `/calendars/${params.id}/feed-tokens/${created.id}`, 'cache-control': 'no-store' });
});
