/** Issue #12: a value outside a fixed set is answered with the set itself, in plain words, under a stable code. */
import { describe, expect, it } from 'vitest';
import type { ZodMiniType } from 'zod/mini';
import { recurrenceInputSchema } from '#domain/recurrence-schema';
import { createKeySchema, createWebhookSchema, eventPatchSchema, feedQuerySchema, participantPatchSchema, scheduleSchema } from '#domain/schemas';
import { toFieldErrors } from '#domain/validation';

/** The field errors an input gets, as the API answers them. */
function errorsOf(schema: ZodMiniType, input: unknown) {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) throw new Error(`accepted: ${JSON.stringify(input)}`);
  return toFieldErrors(result.error);
}

describe('enum field errors', () => {
  it('list the allowed values, not zod’s English', () => {
    expect(errorsOf(eventPatchSchema(), { status: 'maybe' })).toEqual([{ field: 'status', code: 'invalid_value', message: 'must be one of: tentative, confirmed' }]);
    expect(errorsOf(eventPatchSchema(), { visibility: 3 })).toEqual([{ field: 'visibility', code: 'invalid_value', message: 'must be one of: public, private' }]);
    expect(errorsOf(participantPatchSchema(), { status: null })).toEqual([{ field: 'status', code: 'invalid_value', message: 'must be one of: invited, accepted, declined, tentative' }]);
    expect(errorsOf(createKeySchema(), { name: 'k', role: 'owner' })).toEqual([{ field: 'role', code: 'invalid_value', message: 'must be one of: admin, editor, partner' }]);
    expect(errorsOf(feedQuerySchema(), { tentative: 'maybe' })).toEqual([{ field: 'tentative', code: 'invalid_value', message: 'must be one of: include, exclude' }]);
  });

  it('name the array element that is not allowed', () => {
    const [error] = errorsOf(createWebhookSchema(), { url: 'https://partner.example/hook', types: ['event.created', 'event.deleted'] });
    expect(error).toMatchObject({ field: 'types.1', code: 'invalid_value' });
    // recur (#14): occurrence changes and event.series.ended follow the participant changes
    expect(error!.message).toMatch(/^must be one of: event\.created, .*participant\.removed, occurrence\.rescheduled, .*event\.series\.ended, \*$/);
  });

  it('list the tags of a discriminated union (schedule.type), present or missing', () => {
    expect(errorsOf(scheduleSchema(), { type: 'weekly' })).toEqual([{ field: 'type', code: 'invalid_value', message: 'must be one of: timed, allDay, month' }]);
    expect(errorsOf(scheduleSchema(), {})).toEqual([{ field: 'type', code: 'invalid_value', message: 'is required and must be one of: timed, allDay, month' }]);
  });

  it('reach into the union member the input was meant for (a recurrence rule object)', () => {
    expect(errorsOf(recurrenceInputSchema(), { rule: { freq: 'SOMETIMES' } })).toEqual([{ field: 'rule.freq', code: 'invalid_value', message: 'must be one of: DAILY, WEEKLY, MONTHLY, YEARLY' }]);
    expect(errorsOf(recurrenceInputSchema(), { rule: { freq: 'WEEKLY', byDay: [{ weekday: 'XX' }] } })).toEqual([
      { field: 'rule.byDay.0.weekday', code: 'invalid_value', message: 'must be one of: MO, TU, WE, TH, FR, SA, SU' },
    ]);
    expect(errorsOf(recurrenceInputSchema(), { rule: 5 })).toEqual([{ field: 'rule', code: 'invalid_value', message: 'must be a string or an object, not a number' }]);
  });

  it('never carry zod’s own wording', () => {
    const inputs: [ZodMiniType, unknown][] = [
      [eventPatchSchema(), { status: 'x', visibility: 'y', kind: 'z' }],
      [scheduleSchema(), { type: 1 }],
      [recurrenceInputSchema(), { rule: [] }],
    ];
    for (const [schema, input] of inputs) for (const { message } of errorsOf(schema, input)) expect(message).not.toMatch(/Invalid|expected|received/);
  });
});
