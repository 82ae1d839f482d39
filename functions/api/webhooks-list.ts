import { api } from '#http/api';
import { listWebhooksOperation } from '#http/operations';
import { json } from '#http/respond';
import { listEntities } from '#views/queries';

export const handler = api(listWebhooksOperation(), async ({ deps, query, principal }) => {
  const owner = principal.kind === 'key' && principal.role !== 'admin' ? principal.id : undefined;
  return json(200, await listEntities(deps, { entity: 'webhook', owner, limit: query.limit, cursor: query.cursor }));
});
