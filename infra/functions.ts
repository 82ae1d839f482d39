/**
 * The one list of Lambda functions: read by the CDK app to deploy them and by the local runtime to serve
 * them, so what runs on one machine is what deploys.
 */
import type { Route } from '#http/operations';

export type TableAccess = {
  journal: 'read' | 'append';
  views?: 'read' | 'write';
  idempotency?: 'write';
  deliveries?: 'read' | 'write';
  secrets?: 'read' | 'write';
  /** feeds: puts packed month segments in the views (shared/feeds/segments.ts), and no other view item. */
  feedSegments?: 'write';
};

export interface FunctionSpec {
  name: string;
  /** Path from the repository root. */
  entry: string;
  routes?: Route[];
  /** Consumes the journal table's stream. */
  journalStream?: boolean;
  /** Runs on a schedule (EventBridge on AWS; a timer in the local runtime, every SCHEDULE_INTERVAL_MS). */
  schedule?: string;
  /** On AWS, may invoke this function asynchronously (its name arrives in DISPATCH_FUNCTION_NAME). */
  wakes?: string;
  /**
   * Streams its response (Lambda response streaming, up to 200 MB instead of 6 MB): on AWS it is served by a
   * function URL behind CloudFront, not by the HTTP API; locally the runtime streams it (docs/decisions/0010).
   */
  streaming?: boolean;
  tables: TableAccess;
  memoryMb: number;
  timeoutSeconds: number;
  /** import (#14): the p99 Duration above which the route is slow, when not the API's 3 s (streams: 10 s). */
  p99BudgetMs?: number;
}

const readApi = (name: string, routes: Route[], views = false): FunctionSpec => ({
  name,
  entry: `functions/api/${name}.ts`,
  routes,
  tables: views ? { journal: 'read', views: 'read' } : { journal: 'read' },
  memoryMb: 512,
  timeoutSeconds: 10,
});

const writeApi = (name: string, routes: Route[], extra: Partial<TableAccess> = {}): FunctionSpec => ({
  name,
  entry: `functions/api/${name}.ts`,
  routes,
  // Commands read a stream's view as their snapshot (#views/snapshots); edges (#12): every write honours
  // Idempotency-Key, so every write function keeps its answers.
  tables: { journal: 'append', views: 'read', idempotency: 'write', ...extra },
  memoryMb: 512,
  timeoutSeconds: 15,
});

export const functions: FunctionSpec[] = [
  { name: 'web', entry: 'functions/web/get.ts', routes: ['GET /', 'GET /app.js', 'GET /app.css', 'GET /embed/{calendar}'], tables: { journal: 'read' }, memoryMb: 256, timeoutSeconds: 5 },
  readApi('health', ['GET /health']),
  readApi('openapi', ['GET /openapi.json']),
  writeApi('calendars-put', ['PUT /calendars/{id}']),
  readApi('calendars-list', ['GET /calendars'], true),
  readApi('calendars-get', ['GET /calendars/{id}']),
  writeApi('events-create', ['POST /events']),
  readApi('events-list', ['GET /events'], true),
  readApi('events-get', ['GET /events/{id}']),
  writeApi('events-patch', ['PATCH /events/{id}']),
  writeApi('events-cancel', ['POST /events/{id}/cancel']),
  readApi('events-history', ['GET /events/{id}/history']),
  // recur (#14)
  writeApi('occurrences-patch', ['PATCH /events/{id}/occurrences/{recurrenceId}']),
  writeApi('occurrences-cancel', ['POST /events/{id}/occurrences/{recurrenceId}/cancel']),
  writeApi('occurrences-restore', ['POST /events/{id}/occurrences/{recurrenceId}/restore']),
  writeApi('occurrences-split', ['POST /events/{id}/occurrences/{recurrenceId}/split']),
  writeApi('participants-add', ['POST /events/{id}/participants']),
  writeApi('participants-patch', ['PATCH /events/{id}/participants/{pid}']),
  writeApi('participants-delete', ['DELETE /events/{id}/participants/{pid}']),
  // import (#14): one command per event, paced against its deadline (28 s: API Gateway HTTP API waits at most 30).
  { ...writeApi('calendars-import', ['POST /calendars/{id}/import']), memoryMb: 1024, timeoutSeconds: 28, p99BudgetMs: 28_000 },
  writeApi('feed-tokens-create', ['POST /calendars/{id}/feed-tokens']),
  readApi('feed-tokens-list', ['GET /calendars/{id}/feed-tokens'], true),
  writeApi('feed-tokens-delete', ['DELETE /calendars/{id}/feed-tokens/{tokenId}']),
  {
    name: 'feeds-get',
    entry: 'functions/feeds/get.ts',
    routes: ['GET /feeds/{file}', 'HEAD /feeds/{file}'],
    streaming: true,
    tables: { journal: 'read', views: 'read', feedSegments: 'write' },
    memoryMb: 1024,
    timeoutSeconds: 20,
  },
  writeApi('webhooks-create', ['POST /webhooks'], { secrets: 'write' }),
  readApi('webhooks-list', ['GET /webhooks'], true),
  readApi('webhooks-get', ['GET /webhooks/{id}']),
  writeApi('webhooks-patch', ['PATCH /webhooks/{id}'], { deliveries: 'write' }),
  writeApi('webhooks-delete', ['DELETE /webhooks/{id}'], { deliveries: 'write' }),
  writeApi('webhooks-rotate-secret', ['POST /webhooks/{id}/rotate-secret'], { secrets: 'write' }),
  { ...writeApi('webhooks-test', ['POST /webhooks/{id}/test'], { secrets: 'read' }), tables: { journal: 'read', secrets: 'read', idempotency: 'write' } },
  { ...readApi('deliveries-list', ['GET /webhooks/{id}/deliveries']), tables: { journal: 'read', deliveries: 'read' } },
  { ...readApi('deliveries-get', ['GET /webhooks/{id}/deliveries/{deliveryId}']), tables: { journal: 'read', deliveries: 'read' } },
  { ...writeApi('deliveries-retry', ['POST /webhooks/{id}/deliveries/{deliveryId}/retry']), tables: { journal: 'read', deliveries: 'write', idempotency: 'write' } },
  // webhooks: replay starts a job (the dispatcher runs it, woken at once) and answers 202.
  { ...writeApi('webhooks-replay', ['POST /webhooks/{id}/replay'], { deliveries: 'write' }), tables: { journal: 'read', deliveries: 'write', idempotency: 'write' }, wakes: 'dispatch' },
  { ...readApi('webhooks-replay-get', ['GET /webhooks/{id}/replays/{jobId}']), tables: { journal: 'read', deliveries: 'read' } },
  writeApi('keys-create', ['POST /keys']),
  readApi('keys-list', ['GET /keys'], true),
  // webhooks: revoking a key disables its subscriptions (found in the views) and stops their lanes.
  writeApi('keys-delete', ['DELETE /keys/{id}'], { views: 'read', deliveries: 'write' }),
  {
    name: 'project',
    entry: 'functions/stream/project.ts',
    journalStream: true,
    tables: { journal: 'read', views: 'write' },
    memoryMb: 512,
    timeoutSeconds: 60,
  },
  {
    name: 'fanout',
    entry: 'functions/stream/fanout.ts',
    journalStream: true,
    wakes: 'dispatch',
    tables: { journal: 'read', views: 'read', deliveries: 'write' },
    memoryMb: 512,
    timeoutSeconds: 60,
  },
  {
    name: 'dispatch',
    entry: 'functions/webhooks/dispatch.ts',
    schedule: 'rate(1 minute)',
    // Disabling a failing endpoint is recorded as a change.
    tables: { journal: 'append', views: 'read', deliveries: 'write', secrets: 'read' },
    memoryMb: 1024,
    timeoutSeconds: 120,
  },
  // webhooks: invoked by an operator (no trigger) to fan parked journal records out again.
  { name: 'webhooks-redrive', entry: 'functions/webhooks/redrive.ts', tables: { journal: 'read', views: 'read', deliveries: 'write' }, memoryMb: 512, timeoutSeconds: 300 },
];
