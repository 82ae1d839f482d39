/** given / when / then for deciders: given recorded changes, when a command, then these changes (or this error). */
import { expect } from 'vitest';
import { fold, type Aggregate } from '#domain/aggregates';
import type { Change, Recorded } from '#domain/changes';
import { DomainError, type ErrorCode } from '#domain/errors';

export function recordAll<C extends Change>(streamId: string, changes: C[], at = '2026-01-01T00:00:00.000Z'): Recorded<C>[] {
  return changes.map((change, i) => ({ ...change, id: `c${i + 1}`, commitId: `k${i + 1}`, streamId, version: i + 1, at, actor: 'test', schemaVersion: 1 }) as Recorded<C>);
}

export function given<S, C extends Change, Cmd>(aggregate: Aggregate<S, C>, decide: (command: Cmd, state: S) => C[], streamId: string, history: C[]) {
  const state = fold(aggregate, recordAll(streamId, history) as Recorded[]);
  return {
    state,
    when(command: Cmd) {
      return {
        then(expected: C[]) {
          expect(decide(command, state)).toEqual(expected);
        },
        thenFails(code: ErrorCode, field?: string) {
          let caught: unknown;
          try {
            decide(command, state);
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(DomainError);
          expect((caught as DomainError).code).toBe(code);
          if (field) expect((caught as DomainError).errors.map((e) => e.field)).toContain(field);
        },
        changes: () => decide(command, state),
      };
    },
  };
}
