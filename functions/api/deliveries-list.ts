import { listDeliveries } from '#commands/webhooks';
import { api } from '#http/api';
import { operations } from '#http/operations';
import { json } from '#http/respond';

export const handler = api(operations['GET /webhooks/{id}/deliveries'], async ({ deps, params, query, principal }) => json(200, await listDeliveries(deps, params.id!, principal, query)));
