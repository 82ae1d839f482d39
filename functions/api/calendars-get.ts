import { readCalendar } from '#commands/calendars';
import { api } from '#http/api';
import { getCalendarOperation } from '#http/operations';
import { etag, json } from '#http/respond';

export const handler = api(getCalendarOperation(), async ({ deps, params }) => {
  const calendar = await readCalendar(deps, params.id!);
  return json(200, calendar, { etag: etag(calendar.version) });
});
