/**
 * Every operation in /openapi.json, called for real: each answer's status must be documented, its body must
 * validate against the documented schema (JSON Schema 2020-12, Ajv) and its documented ETag/Location must be there.
 */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestRuntime, type Reply } from '../helpers/runtime.ts';

let t: Awaited<ReturnType<typeof startTestRuntime>>;
const seen: { method: string; path: string; reply: Reply }[] = [];

async function call(method: string, path: string, init: Parameters<typeof t.call>[2] = {}): Promise<Reply> {
  const reply = await t.call(method, path, init);
  seen.push({ method, path, reply });
  return reply;
}

beforeAll(async () => {
  process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS = '1';
  t = await startTestRuntime();
});
afterAll(async () => {
  delete process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS;
  await t.close();
});

/** Calls every operation at least once, successes and a few refusals. */
async function exerciseEveryOperation(): Promise<void> {
  for (const path of ['/', '/app.js', '/app.css', '/health', '/openapi.json']) await call('GET', path, { key: null });
  const calendar = { name: { en: 'Spec' }, defaultLanguage: 'en', timeZone: 'Asia/Muscat' };
  await call('PUT', '/calendars/spec', { body: calendar });
  await call('PUT', '/calendars/spec', { body: calendar });
  await call('GET', '/embed/spec', { key: null });
  await call('PUT', '/calendars/spec', { body: { ...calendar, timeZone: 'Nowhere' } });
  await call('GET', '/calendars', { key: null });
  await call('GET', '/calendars/spec', { key: null });
  await call('GET', '/calendars/none', { key: null });

  const body = { calendar: 'spec', title: { en: 'Spec' }, schedule: { type: 'timed', start: '2026-07-14T09:00', end: '2026-07-14T10:00', timeZone: 'Asia/Muscat' }, organizer: { name: 'O', email: 'o@example.org' } };
  const event = (await call('POST', '/events', { body, headers: { 'idempotency-key': 'spec-1' } })).body;
  await call('POST', '/events', { body, headers: { 'idempotency-key': 'spec-1' } });
  await call('POST', '/events', { body: { ...body, title: 'x' }, key: null });
  await call('GET', '/events?calendar=spec', { key: null });
  await call('GET', `/events?calendar=spec&q=${encodeURIComponent('spec')}`, { key: null });
  await call('GET', '/events?calendar=spec&q=', { key: null });
  await call('GET', `/events/${event.id}`, { key: null });
  const ics = await call('GET', `/events/${event.id}.ics`, { key: null });
  await call('GET', `/events/${event.id}.ics`, { key: null, headers: { 'if-none-match': ics.headers.get('etag')! } });
  await call('PATCH', `/events/${event.id}`, { body: { tags: ['a'] }, headers: { 'if-match': '"1"' } });
  await call('PATCH', `/events/${event.id}`, { body: { tags: ['b'] }, headers: { 'if-match': '"1"' } });
  const invited = await call('POST', `/events/${event.id}/participants`, { body: { name: 'P', email: 'p@example.org' } });
  const pid = invited.body.participants[0].id;
  await call('PATCH', `/events/${event.id}/participants/${pid}`, { body: { status: 'accepted' } });
  await call('DELETE', `/events/${event.id}/participants/${pid}`, { headers: { 'if-match': '"1"' } });
  await call('DELETE', `/events/${event.id}/participants/${pid}`);
  await call('GET', `/events/${event.id}/history`, { key: null });
  // recur (#14): a series and its occurrences
  const series = (await call('POST', '/events', { body: { ...body, schedule: { ...body.schedule, recurrence: { rule: 'FREQ=WEEKLY;COUNT=5' } } } })).body;
  await call('POST', '/events', { body: { ...body, schedule: { ...body.schedule, recurrence: { rule: 'FREQ=MINUTELY' } } } });
  await call('PATCH', `/events/${series.id}/occurrences/2026-07-21T09:00`, { body: { title: { en: 'Moved' }, schedule: { start: '2026-07-22T09:00', end: '2026-07-22T10:00' } } });
  await call('PATCH', `/events/${series.id}/occurrences/2026-07-22T09:00`, { body: { title: { en: 'Not one' } } });
  await call('POST', `/events/${series.id}/occurrences/2026-07-28T09:00/cancel`, { body: { reason: 'holiday' } });
  await call('POST', `/events/${series.id}/occurrences/2026-07-28T09:00/restore`);
  await call('POST', `/events/${series.id}/occurrences/2026-07-14T09:00/split`, { body: { tags: ['all'] } });
  await call('POST', `/events/${series.id}/occurrences/2026-08-04T09:00/split`, { body: { title: { en: 'Later' } }, headers: { 'idempotency-key': 'spec-split' } });
  await call('GET', `/events/${series.id}`, { key: null });
  // --- end recur

  // import (#14): a complete report, its replay, and the refusals a text/calendar body can meet.
  const icsFile = (uid: string) =>
    `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:${uid}\r\nDTSTART:20260801T100000Z\r\nDTEND:20260801T110000Z\r\nSUMMARY:Imported\r\nEND:VEVENT\r\nBEGIN:VTODO\r\nUID:todo\r\nEND:VTODO\r\nEND:VCALENDAR\r\n`;
  const asCalendar = { 'content-type': 'text/calendar' };
  await call('POST', '/calendars/spec/import', { rawBody: icsFile('spec-import'), headers: { ...asCalendar, 'idempotency-key': 'spec-import' } });
  await call('POST', '/calendars/spec/import', { rawBody: icsFile('spec-import'), headers: { ...asCalendar, 'idempotency-key': 'spec-import' } });
  await call('POST', '/calendars/spec/import', { rawBody: 'not iCalendar', headers: asCalendar });
  await call('POST', '/calendars/spec/import', { rawBody: icsFile('spec-import'), headers: { 'content-type': 'application/json' } });
  await call('POST', '/calendars/none/import', { rawBody: icsFile('spec-import'), headers: asCalendar });
  const token = (await call('POST', '/calendars/spec/feed-tokens', { body: { label: 'phone' } })).body;
  await call('GET', '/calendars/spec/feed-tokens');
  await call('DELETE', `/calendars/spec/feed-tokens/${token.id}`);
  const feed = await call('GET', '/feeds/spec.ics', { key: null });
  await call('GET', '/feeds/spec.ics', { key: null, headers: { 'if-none-match': feed.headers.get('etag')! } });
  await call('HEAD', '/feeds/spec.ics', { key: null });

  const hook = (await call('POST', '/webhooks', { body: { url: 'http://127.0.0.1:9/hook', types: ['*'] } })).body;
  await call('GET', '/webhooks');
  await call('GET', `/webhooks/${hook.id}`);
  await call('PATCH', `/webhooks/${hook.id}`, { body: { description: 'spec' } });
  await call('POST', `/webhooks/${hook.id}/rotate-secret`);
  await call('POST', `/webhooks/${hook.id}/test`);
  await call('POST', `/events/${event.id}/cancel`);
  let deliveries: Reply;
  for (let i = 0; ; i++) {
    deliveries = await call('GET', `/webhooks/${hook.id}/deliveries`);
    if (deliveries.body.items.length > 0 || i > 50) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const delivery = deliveries.body.items[0];
  expect(delivery, 'a delivery to read and retry').toBeDefined();
  await call('GET', `/webhooks/${hook.id}/deliveries/${delivery.id}`);
  await call('POST', `/webhooks/${hook.id}/deliveries/${delivery.id}/retry`);
  const replay = await call('POST', `/webhooks/${hook.id}/replay`, { body: { since: '2026-01-01T00:00:00Z' } });
  await call('GET', new URL(replay.headers.get('location')!, 'http://x').pathname);
  await call('DELETE', `/webhooks/${hook.id}`);

  const key = (await call('POST', '/keys', { body: { name: 'spec', role: 'partner' } })).body;
  await call('GET', '/keys');
  await call('DELETE', `/keys/${key.id}`);
  await call('GET', '/keys', { key: null });
}

type OperationDoc = { operationId: string; responses: Record<string, { content?: Record<string, { schema: unknown }>; headers?: Record<string, unknown> }> };

/** The documented operation a call reached: literal paths (/events/{id}.ics) before templated ones. */
function operationOf(doc: { paths: Record<string, Record<string, OperationDoc>> }, method: string, path: string): { template: string; operation: OperationDoc } {
  const bare = path.split('?')[0]!;
  const templates = Object.keys(doc.paths).sort((a, b) => b.replace(/\{\w+\}/g, '').length - a.replace(/\{\w+\}/g, '').length);
  for (const template of templates) {
    const pattern = new RegExp(`^${template.replace(/\./g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`);
    const operation = doc.paths[template]![method.toLowerCase()];
    if (pattern.test(bare) && operation) return { template, operation };
  }
  throw new Error(`${method} ${bare} is not documented`);
}

it('answers every documented operation as documented: status, body schema, ETag and Location', async () => {
  await exerciseEveryOperation();
  const doc = (await t.call('GET', '/openapi.json', { key: null })).body;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'openapi');

  const reached = new Set<string>();
  for (const { method, path, reply } of seen) {
    const { template, operation } = operationOf(doc, method, path);
    reached.add(operation.operationId);
    const where = `${method} ${path} → ${reply.status}`;
    const response = operation.responses[String(reply.status)];
    expect(response, `${where} is not a documented status of ${template}`).toBeDefined();
    const type = (reply.headers.get('content-type') ?? '').split(';')[0]!;
    if (response!.content && method !== 'HEAD') {
      expect(Object.keys(response!.content), where).toContain(type);
      if (/json/.test(type)) {
        const pointer = `openapi#/paths/${template.replaceAll('~', '~0').replaceAll('/', '~1')}/${method.toLowerCase()}/responses/${reply.status}/content/${type.replaceAll('/', '~1')}/schema`;
        const validate = ajv.compile({ $ref: pointer });
        expect(validate(reply.body), `${where}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      }
    }
    for (const header of ['ETag', 'Location']) if (response!.headers?.[header] && reply.status < 300) expect(reply.headers.get(header), `${where} ${header}`).not.toBeNull();
  }
  // The title search is documented with its bounds (the calls above reach it, a 200 and a 400).
  expect(doc.paths['/events'].get.parameters).toContainEqual(expect.objectContaining({ name: 'q', in: 'query', schema: expect.objectContaining({ type: 'string', maxLength: 100 }) }));
  const documented = Object.values(doc.paths as Record<string, Record<string, OperationDoc>>).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
  expect([...reached].sort()).toEqual(documented.sort());
}, 120_000);
