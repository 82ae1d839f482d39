import { createKey } from '#commands/keys';
import { api } from '#http/api';
import { createKeyOperation } from '#http/operations';
import { json } from '#http/respond';

export const handler = api(createKeyOperation(), async ({ deps, body, principal }) => {
  const created = await createKey(deps, body, principal);
  return json(201, created, { location: `/keys/${created.id}`, 'cache-control': 'no-store' });
});
