import { api } from '#http/api';
import { listCalendarsOperation } from '#http/operations';
import { json } from '#http/respond';
import { listEntities } from '#views/queries';

export const handler = api(listCalendarsOperation(), async ({ deps, query }) => json(200, await listEntities(deps, { entity: 'calendar', limit: query.limit, cursor: query.cursor })));
