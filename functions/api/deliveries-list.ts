import { listDeliveries } from '#commands/webhooks';
import { api } from '#http/api';
import { listDeliveriesOperation } from '#http/operations';
import { json } from '#http/respond';

export const handler = api(listDeliveriesOperation(), async ({ deps, params, query, principal }) => json(200, await listDeliveries(deps, params.id!, principal, query)));
