/** Runs a command against a stream: read, fold, decide, append; on a lost race, decide again on the new state. */
import { fold, type Aggregate } from '#domain/aggregates';
import type { Change, Recorded } from '#domain/changes';
import { DomainError } from '#domain/errors';
import { isConcurrencyError, type Journal } from './journal.ts';

export interface HandleOptions {
  actor: string;
  now: () => Date;
  newId: () => string;
  /** From If-Match: the command applies only to this version; a mismatch is a 412, never a retry. */
  expectedVersion?: number;
  maxAttempts?: number;
}

export interface HandleResult<S> {
  state: S;
  version: number;
  recorded: Recorded[];
}

/**
 * @example
 * const { state } = await handle(journal, streams.event(id), eventAggregate, (s) => decideEvent(command, s), options);
 */
export async function handle<S, C extends Change>(
  journal: Journal,
  streamId: string,
  aggregate: Aggregate<S, C>,
  decide: (state: S) => C[],
  options: HandleOptions,
): Promise<HandleResult<S>> {
  const maxAttempts = options.maxAttempts ?? 50;
  for (let attempt = 1; ; attempt++) {
    const history = await journal.read(streamId);
    const version = history.at(-1)?.version ?? 0;
    const state = fold(aggregate, history);
    if (options.expectedVersion !== undefined && options.expectedVersion !== version) throw stale(options.expectedVersion, version);
    const changes = decide(state);
    if (changes.length === 0) return { state, version, recorded: [] };
    try {
      const recorded = await journal.append(streamId, version, changes, { at: options.now().toISOString(), actor: options.actor, newId: options.newId });
      return { state: fold(aggregate, recorded, state), version: version + recorded.length, recorded };
    } catch (error) {
      if (!isConcurrencyError(error)) throw error;
      if (options.expectedVersion !== undefined) throw stale(options.expectedVersion, error.actualVersion);
      if (attempt >= maxAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * attempt)));
    }
  }
}

function stale(expected: number, actual: number): DomainError {
  return new DomainError('precondition_failed', `the resource is at version ${actual}, not ${expected}`, [{ field: 'header.if-match', code: 'stale', message: `is stale: current version is ${actual}` }], {
    expectedVersion: expected,
    actualVersion: actual,
  });
}
