import { seesPrivate } from '#auth/keys';
import { presentEvent } from '#commands/events';
import { invalidField } from '#domain/errors';
import { parseInstant } from '#domain/time';
import { api } from '#http/api';
import { listEventsOperation } from '#http/operations';
import { json } from '#http/respond';
import { listEvents } from '#views/queries';
import { searchEvents } from '#views/search';
import { searchTerms } from '#views/search-text';

function instantParam(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const instant = parseInstant(value);
  if (instant === undefined) throw invalidField(`query.${name}`, 'must be an RFC 3339 instant or a date, e.g. 2026-07-01T00:00:00Z', 'invalid_format');
  return new Date(instant).toISOString();
}

/** A search looks in one calendar (so no tenant's search reads another's events), for at least one letter. */
function searchFilter<F extends { calendar?: string; q?: string }>(filter: F): F & { calendar: string; q: string } {
  if (filter.calendar === undefined) throw invalidField('query.calendar', 'is required with q: a search looks in one calendar', 'required');
  if (searchTerms(filter.q!).length === 0) throw invalidField('query.q', 'has nothing to search for once marks are set aside', 'empty');
  return filter as F & { calendar: string; q: string };
}

export const handler = api(listEventsOperation(), async ({ deps, query, principal }) => {
  const from = instantParam('from', query.from);
  const to = instantParam('to', query.to);
  if (from && to && to <= from) throw invalidField('query.to', 'must be after from', 'end_before_start');
  const filter = { ...query, from, to, includePrivate: seesPrivate(principal) };
  const page = query.q === undefined ? await listEvents(deps, filter) : await searchEvents(deps, searchFilter(filter));
  return json(200, { items: page.items.map((event) => presentEvent(event, principal)), nextCursor: page.nextCursor });
});
