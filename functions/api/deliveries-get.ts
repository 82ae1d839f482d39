import { presentDelivery, readDelivery } from '#commands/webhooks';
import { api } from '#http/api';
import { operations } from '#http/operations';
import { json } from '#http/respond';

export const handler = api(operations['GET /webhooks/{id}/deliveries/{deliveryId}'], async ({ deps, params, principal }) =>
  json(200, presentDelivery(await readDelivery(deps, params.id!, params.deliveryId!, principal), true)),
);
