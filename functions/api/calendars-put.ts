import { putCalendar } from '#commands/calendars';
import { calendarSlug } from '#domain/schemas';
import { invalidField } from '#domain/errors';
import { api } from '#http/api';
import { putCalendarOperation } from '#http/operations';
import { etag, json } from '#http/respond';

export const handler = api(putCalendarOperation(), async ({ deps, params, body, principal }) => {
  if (!calendarSlug().safeParse(params.id).success) throw invalidField('path.id', 'must be a slug: lowercase letters, digits and "-"', 'invalid_format');
  const { calendar, created } = await putCalendar(deps, params.id!, body, principal);
  return json(created ? 201 : 200, calendar, { etag: etag(calendar.version), ...(created ? { location: `/calendars/${calendar.id}` } : {}) });
});
