import { readReplayJob } from '#commands/webhooks';
import { api } from '#http/api';
import { getReplayOperation } from '#http/operations';
import { json } from '#http/respond';

export const handler = api(getReplayOperation(), async ({ deps, params, principal }) => json(200, await readReplayJob(deps, params.id!, params.jobId!, principal), { 'cache-control': 'no-store' }));
