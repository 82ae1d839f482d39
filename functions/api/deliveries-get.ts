import { presentDelivery, readDelivery } from '#commands/webhooks';
import { api } from '#http/api';
import { getDeliveryOperation } from '#http/operations';
import { json } from '#http/respond';

export const handler = api(getDeliveryOperation(), async ({ deps, params, principal }) => json(200, presentDelivery(await readDelivery(deps, params.id!, params.deliveryId!, principal), true)));
