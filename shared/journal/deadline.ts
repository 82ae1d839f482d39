/**
 * A request's time budget, carried through its async calls (AsyncLocalStorage, in Node 20 and 22). The API gives
 * up at a deadline set a margin before the function's timeout, answering 503 "nothing recorded", unless an append
 * is in flight, which it then waits for; and no append starts after the deadline. So an answer never misstates
 * whether a change was recorded.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DomainError } from '#domain/errors';

interface Budget {
  deadline: number;
  appending: number;
}

const budgets = new AsyncLocalStorage<Budget>();

/** Nothing has been recorded: too busy to record it in time, and a retry is safe. */
export function busy(detail: string): DomainError {
  return new DomainError('unavailable', `${detail}; nothing was recorded, so retrying is safe`, [], { retryAfterSeconds: 1 });
}

const outOfTime = () => busy('the change could not be recorded in time (too many concurrent changes)');

/** Runs `work` until a deadline (epoch milliseconds): then it answers busy, unless it is appending. */
export function withDeadline<T>(deadline: number, work: () => Promise<T>): Promise<T> {
  const budget: Budget = { deadline, appending: 0 };
  return budgets.run(budget, async () => {
    const running = work();
    running.catch(() => undefined); // given up on: its later refusal has no one to answer
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<T>((resolve, reject) => {
      timer = setTimeout(() => (budget.appending > 0 ? resolve(running) : reject(outOfTime())), Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([running, expired]);
    } finally {
      clearTimeout(timer);
    }
  });
}

/** Runs a journal append inside the request's budget: refused once the deadline has passed, awaited if under way. */
export async function whileAppending<T>(append: () => Promise<T>): Promise<T> {
  const budget = budgets.getStore();
  if (!budget) return append();
  if (Date.now() >= budget.deadline) throw outOfTime();
  budget.appending++;
  try {
    return await append();
  } finally {
    budget.appending--;
  }
}

// import (#14): long requests pace themselves against the same deadline.
/** Milliseconds left before the request's deadline (Infinity outside a request). */
export function timeLeft(): number {
  const budget = budgets.getStore();
  return budget ? budget.deadline - Date.now() : Number.POSITIVE_INFINITY;
}
