import { presentChange, visibleHistory } from '#commands/events';
import { invalidField } from '#domain/errors';
import { api } from '#http/api';
import { getEventHistoryOperation } from '#http/operations';
import { json } from '#http/respond';

export const handler = api(getEventHistoryOperation(), async ({ deps, params, query, principal }) => {
  const after = query.cursor === undefined ? 0 : Number(query.cursor);
  if (!Number.isSafeInteger(after) || after < 0) throw invalidField('query.cursor', 'is not a cursor this API returned', 'invalid_cursor');
  const history = await visibleHistory(deps, params.id!, principal);
  const page = history.filter((change) => change.version > after).slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = last && last.version < history.length ? String(last.version) : null;
  return json(200, { items: page.map((change) => presentChange(change, principal)), nextCursor });
});
