/** recur (#14): what the occurrence functions do: change one occurrence, or split a series ("this and following"). */
import { actorOf, type Principal } from '#auth/keys';
import { recordedBy, type Deps } from '#config/deps';
import { eventAggregate, fold } from '#domain/aggregates';
import { streams } from '#domain/changes';
import { decideEvent, seriesOf, type CalendarEvent, type EventCommand } from '#domain/event';
import { normalizeId } from '#domain/recurrence-normalize';
import { decideOccurrence, decideSplit, seriesSupport, type OccurrenceCommand, type SeriesSplit } from '#domain/series';
import { handle } from '#journal/handle';
import { changeEvent } from './events.ts';

/** Records one occurrence's change on its series' stream; answers the series as it now stands. */
export async function changeOccurrence(d: Deps, eventId: string, command: OccurrenceCommand, principal: Principal, expectedVersion?: number): Promise<CalendarEvent> {
  const { state } = await handle(d.journal, streams.event(eventId), eventAggregate, (s) => decideOccurrence(command, s), recordedBy(d, actorOf(principal), expectedVersion));
  return state!;
}

export interface SplitResult {
  /** The new series (from the occurrence on), or the whole series when the occurrence was its first. */
  event: CalendarEvent;
  created: boolean;
}

/**
 * "This and following": ends series S before the occurrence and records S′ from it with the patch applied.
 * dynalite has no transactions, so the two commits are ordered (end S, then create S′) and S's end names S′:
 * the same split again (a retry after a crash in between, with or without Idempotency-Key) finishes it.
 */
export async function splitSeries(d: Deps, eventId: string, recurrenceId: string, patch: Record<string, unknown>, principal: Principal, expectedVersion?: number): Promise<SplitResult> {
  const history = await d.journal.read(streams.event(eventId));
  const state = fold(eventAggregate, history);
  const series = state && seriesOf(state);
  const normalized = series ? normalizeId(recurrenceId, series.schedule) : undefined;
  const resumed = state?.splitTo && state.splitTo.recurrenceId === normalized ? state.splitTo.series : undefined;
  // A resumed split is decided on S as it stood before it ended.
  const before = resumed
    ? fold(
        eventAggregate,
        history.slice(
          0,
          history.findIndex((c) => c.type === 'event.series.ended' && c.data.splitTo === resumed),
        ),
      )
    : state;
  const newId = resumed ?? d.newId();
  let split = decideSplit(before, recurrenceId, patch, newId);
  if (!split) return { event: await changeEvent(d, eventId, { type: 'patch', patch, series: seriesSupport }, principal, expectedVersion), created: false };
  const participantIds = (split.input.participants ?? []).map(() => d.newId());
  const creation = (s: SeriesSplit): EventCommand => ({ type: 'create', input: s.input, calendarExists: true, participantIds, series: seriesSupport });
  // decide is pure: S′ is vetted before S ends, so a refused split records nothing.
  decideEvent(creation(split), undefined);
  if (!resumed) {
    await handle(
      d.journal,
      streams.event(eventId),
      eventAggregate,
      (s) => {
        if (s?.splitTo?.series === newId) return [];
        split = decideSplit(s, recurrenceId, patch, newId)!;
        return [split.ended];
      },
      recordedBy(d, actorOf(principal), expectedVersion),
    );
  }
  const decided = split;
  const { state: created } = await handle(
    d.journal,
    streams.event(newId),
    eventAggregate,
    (s) => {
      if (s) return [];
      const [first, ...rest] = decideEvent(creation(decided), undefined);
      if (first?.type !== 'event.created') throw new Error('create decided no event.created');
      return [{ ...first, data: { ...first.data, splitFrom: { series: eventId, recurrenceId: decided.recurrenceId } } }, ...rest, ...decided.carried];
    },
    recordedBy(d, actorOf(principal)),
  );
  return { event: created!, created: true };
}
