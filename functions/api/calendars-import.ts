import { importCalendar } from '#commands/import';
import { api } from '#http/api';
import { importCalendarOperation } from '#http/operations';
import { json } from '#http/respond';
import { checkIdempotencyKey } from '#journal/idempotency';
import { timeLeft } from '#journal/deadline';

// The body is text/calendar (operations' textBody): api() hands it over as a string.
export const handler = api(importCalendarOperation(), async ({ deps, params, body, principal, header }) => {
  const idempotencyKey = checkIdempotencyKey(header('idempotency-key'));
  const { report, replayed } = await importCalendar(deps, { calendar: params.id!, body: body as string, principal, timeLeft, ...(idempotencyKey ? { idempotencyKey } : {}) });
  return json(report.complete ? 200 : 202, report, replayed ? { 'idempotent-replayed': 'true' } : {});
});
