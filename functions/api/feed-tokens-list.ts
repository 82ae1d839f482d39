import { api } from '#http/api';
import { listFeedTokensOperation } from '#http/operations';
import { json } from '#http/respond';
import { listEntities } from '#views/queries';

export const handler = api(listFeedTokensOperation(), async ({ deps, params, query }) => json(200, await listEntities(deps, { entity: 'feedToken', prefix: `${params.id}#`, limit: query.limit, cursor: query.cursor })));
