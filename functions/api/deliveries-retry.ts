import { presentDelivery, retryDelivery } from '#commands/webhooks';
import { api } from '#http/api';
import { retryDeliveryOperation } from '#http/operations';
import { json } from '#http/respond';

export const handler = api(retryDeliveryOperation(), async ({ deps, params, principal }) => json(202, presentDelivery(await retryDelivery(deps, params.id!, params.deliveryId!, principal), false)));
