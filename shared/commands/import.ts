/**
 * POST /calendars/{id}/import: a text/calendar file to events, one recorded command per event through the
 * command path every event write takes (handle + the domain's decisions), so validation, views, feeds and
 * webhooks apply as to any write. An event's id is derived from (calendar, UID), so finding the event a UID
 * was imported as is one read of its stream, and two imports of one UID race on the journal's conditional put
 * instead of creating it twice; the UID is in the recorded event.created (views rebuild from the journal alone).
 */
import { actorOf, type Principal } from '#auth/keys';
import { recordedBy, type Deps } from '#config/deps';
import { calendarAggregate, eventAggregate, fold } from '#domain/aggregates';
import { streams } from '#domain/changes';
import { DomainError, isDomainError, type FieldErrorCode } from '#domain/errors';
import type { EventState } from '#domain/event';
import { handle, type Snapshot } from '#journal/handle';
import { decideImport } from '#import/decide';
import { parseIcsImport } from '#import/ics';
import { importedEventId, ownEventId } from '#import/ids';
import { planEvent, type PlannedEvent } from '#import/plan';
import { claimImport, importFingerprint, settleImport, versionBefore, type ImportClaims } from './import-claims.ts';

export interface Imported {
  uid: string;
  eventId: string;
}

export interface SkippedReport {
  uid?: string;
  recurrenceId?: string;
  component: string;
  field?: string;
  code: FieldErrorCode;
  message: string;
}

export interface ImportReport {
  calendar: string;
  /** False when the deadline came first: repeat the request with `resume.idempotencyKey` to finish it. */
  complete: boolean;
  created: Imported[];
  updated: Imported[];
  unchanged: Imported[];
  skipped: SkippedReport[];
  /** Events not yet imported (0 when complete). */
  remaining: number;
  resume?: { idempotencyKey: string; detail: string };
}

export interface ImportRequest {
  calendar: string;
  body: string;
  principal: Principal;
  /** The request's Idempotency-Key; without one the import makes one up (for `resume`). */
  idempotencyKey?: string;
  /** Milliseconds left before the request must answer. */
  timeLeft: () => number;
}

/** Events imported at once: enough to finish 5,000 events within an API request, few enough to be a good neighbour. */
export const IMPORT_CONCURRENCY = 8;
/** An event is not started with less time left than this plus twice the slowest so far. */
const MARGIN_MS = 1000;

type Outcome = { kind: 'created' | 'updated' | 'unchanged'; imported: Imported } | { kind: 'skipped'; skipped: SkippedReport };

/** Imports a file into a calendar; answers the report, whole (`complete`) or as far as time allowed. */
export async function importCalendar(d: Deps, request: ImportRequest): Promise<{ report: ImportReport; replayed: boolean }> {
  const calendar = fold(calendarAggregate, await d.journal.read(streams.calendar(request.calendar)));
  if (!calendar) throw new DomainError('not_found', `calendar "${request.calendar}" does not exist`, [{ field: 'path.id', code: 'not_found', message: 'no such calendar; create it with PUT /calendars/{id} first' }]);
  // Parsed before anything is claimed: a body that is not iCalendar records nothing at all.
  const parsed = parseIcsImport(request.body, { defaultTimeZone: calendar.timeZone });
  const ours = /^PRODID:-\/\/Taqweem\/\//m.test(request.body.slice(0, 2048));
  const key = request.idempotencyKey ?? `import-${d.newId()}`;
  const claims: ImportClaims = { client: d.client, table: d.tables.idempotency, pk: `${actorOf(request.principal)}#${key}`, now: d.now() };
  const claim = await claimImport<ImportReport>(claims, importFingerprint(request.calendar, request.body));
  if (claim.kind === 'done') return { report: claim.report, replayed: true };

  const outcomes: Outcome[] = parsed.skipped.map((item) => ({
    kind: 'skipped',
    skipped: { ...(item.uid ? { uid: item.uid } : {}), ...(item.recurrenceId ? { recurrenceId: item.recurrenceId } : {}), component: item.component, code: item.code, message: item.reason },
  }));
  const work: (() => Promise<Outcome>)[] = [];
  for (const draft of parsed.drafts) {
    const plan = planEvent(draft, { calendar: request.calendar, defaultLanguage: calendar.defaultLanguage, ours });
    if ('refused' in plan) outcomes.push({ kind: 'skipped', skipped: { uid: draft.uid, component: 'VEVENT', ...plan.refused } });
    else work.push(() => importEvent(d, claims, request, plan.planned));
  }
  const { done, remaining } = await runWithin(work, request.timeLeft);
  outcomes.push(...done);
  const report = reportOf(request.calendar, outcomes, remaining, key);
  if (report.complete) await settleImport(claims, report);
  return { report, replayed: false };
}

/** One event: find it (its stream), note its version for retries, then one command. */
async function importEvent(d: Deps, claims: ImportClaims, request: ImportRequest, planned: PlannedEvent): Promise<Outcome> {
  const found = await eventFor(d, request.calendar, planned.uid);
  const before = await versionBefore(claims, planned.uid, found.snapshot.version);
  const imported = { uid: planned.uid, eventId: found.eventId };
  try {
    const { version } = await handle(d.journal, streams.event(found.eventId), eventAggregate, (state) => decideImport({ ...planned, newId: d.newId }, state), {
      ...recordedBy(d, actorOf(request.principal)),
      snapshot: async () => found.snapshot,
    });
    return { kind: version === before ? 'unchanged' : before === 0 ? 'created' : 'updated', imported };
  } catch (error) {
    if (!isDomainError(error) || error.code === 'unavailable') throw error;
    const [first] = error.errors;
    return { kind: 'skipped', skipped: { uid: planned.uid, component: 'VEVENT', field: first?.field ?? 'body', code: first?.code ?? 'invalid_value', message: first?.message ?? error.message } };
  }
}

/** The event a UID stands for in a calendar, with its state: our own feed's UIDs name our events; others are derived. */
async function eventFor(d: Deps, calendar: string, uid: string): Promise<{ eventId: string; snapshot: Snapshot<EventState> }> {
  const own = ownEventId(uid);
  if (own) {
    const snapshot = await stateOf(d, own);
    if (snapshot.state?.calendar === calendar) return { eventId: own, snapshot };
  }
  const eventId = importedEventId(calendar, uid);
  return { eventId, snapshot: await stateOf(d, eventId) };
}

async function stateOf(d: Deps, eventId: string): Promise<Snapshot<EventState>> {
  const streamId = streams.event(eventId);
  const known = (await d.snapshots?.(streamId)) as Snapshot<EventState> | undefined;
  const newer = await d.journal.read(streamId, known?.version ?? 0, { afterCommit: true });
  return { state: fold(eventAggregate, newer, known?.state), version: newer.at(-1)?.version ?? known?.version ?? 0 };
}

/**
 * Runs the work IMPORT_CONCURRENCY at a time until done, or until too little time is left to start another
 * (at least one always runs, so every retry makes progress).
 */
async function runWithin<T>(work: (() => Promise<T>)[], timeLeft: () => number): Promise<{ done: T[]; remaining: number }> {
  const done: T[] = new Array(work.length);
  let next = 0;
  let finished = 0;
  let slowest = 0;
  const worker = async () => {
    while (next < work.length && (next === 0 || timeLeft() > MARGIN_MS + 2 * slowest)) {
      const index = next++;
      const started = Date.now();
      done[index] = await work[index]!();
      slowest = Math.max(slowest, Date.now() - started);
      finished++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(IMPORT_CONCURRENCY, work.length) }, worker));
  return { done: done.filter((outcome) => outcome !== undefined), remaining: work.length - finished };
}

function reportOf(calendar: string, outcomes: Outcome[], remaining: number, key: string): ImportReport {
  const report: ImportReport = { calendar, complete: remaining === 0, created: [], updated: [], unchanged: [], skipped: [], remaining };
  for (const outcome of outcomes) {
    if (outcome.kind === 'skipped') report.skipped.push(outcome.skipped);
    else report[outcome.kind].push(outcome.imported);
  }
  if (remaining > 0)
    report.resume = { idempotencyKey: key, detail: `the deadline came before ${remaining} events were imported: repeat the same request with this Idempotency-Key to finish; what is done is not done twice` };
  return report;
}
