import { seesPrivate } from '#auth/keys';
import { presentEvent } from '#commands/events';
import { invalidField } from '#domain/errors';
import { parseInstant } from '#domain/time';
import { api } from '#http/api';
import { operations } from '#http/operations';
import { json } from '#http/respond';
import { listEvents } from '#views/queries';

function instantParam(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const instant = parseInstant(value);
  if (instant === undefined) throw invalidField(`query.${name}`, 'must be an RFC 3339 instant or a date, e.g. 2026-07-01T00:00:00Z', 'invalid_format');
  return new Date(instant).toISOString();
}

export const handler = api(operations['GET /events'], async ({ deps, query, principal }) => {
  const from = instantParam('from', query.from);
  const to = instantParam('to', query.to);
  if (from && to && to <= from) throw invalidField('query.to', 'must be after from', 'end_before_start');
  const page = await listEvents(deps.client, deps.tables.views, { ...query, from, to, includePrivate: seesPrivate(principal) });
  return json(200, { items: page.items.map((event) => presentEvent(event, principal)), nextCursor: page.nextCursor });
});
