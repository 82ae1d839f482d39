import { replay } from '#commands/webhooks';
import { api } from '#http/api';
import { operations } from '#http/operations';
import { json } from '#http/respond';

export const handler = api(operations['POST /webhooks/{id}/replay'], async ({ deps, params, body, principal }) =>
  json(202, await replay(deps, params.id!, body.since, principal)),
);
