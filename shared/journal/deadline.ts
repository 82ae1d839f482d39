/**
 * A request's deadline, carried through the async calls of one request (AsyncLocalStorage, in Node 20 and 22).
 * The API sets it a margin before the function's timeout; a write checks it before appending, so a request that
 * answered "timed out" never records its change afterwards.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DomainError } from '#domain/errors';

const deadlines = new AsyncLocalStorage<number>();

/** Runs `work` with a deadline (epoch milliseconds) that `assertBeforeDeadline` checks. */
export function withDeadline<T>(deadline: number, work: () => Promise<T>): Promise<T> {
  return deadlines.run(deadline, work);
}

/** Nothing has been recorded yet: too busy to record it in time, and a retry is safe. */
export function busy(detail: string): DomainError {
  return new DomainError('unavailable', `${detail}; nothing was recorded, so retrying is safe`, [], { retryAfterSeconds: 1 });
}

export function assertBeforeDeadline(): void {
  const deadline = deadlines.getStore();
  if (deadline !== undefined && Date.now() > deadline) throw busy('the change could not be recorded in time (too many concurrent changes)');
}
