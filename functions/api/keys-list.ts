import { api } from '#http/api';
import { listKeysOperation } from '#http/operations';
import { json } from '#http/respond';
import { listEntities } from '#views/queries';

export const handler = api(listKeysOperation(), async ({ deps, query }) => json(200, await listEntities(deps, { entity: 'key', limit: query.limit, cursor: query.cursor })));
