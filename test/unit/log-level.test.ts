/** LOG_LEVEL holds for every invocation, not only the first (found by audit: `npm start` with the default warn printed info lines). */
import { afterEach, describe, expect, it } from 'vitest';
import { log } from '#config/log';
import { observed } from '#config/observability';

const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
afterEach(() => {
  process.stdout.write = writes.stdout;
  process.stderr.write = writes.stderr;
});

/** The log lines printed while `run` runs, by message. */
async function printedDuring(run: () => Promise<unknown>): Promise<string[]> {
  const printed: string[] = [];
  const capture = ((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    await run();
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
  }
  return printed.flatMap((chunk) => chunk.split('\n').filter(Boolean)).map((line) => JSON.parse(line).message as string);
}

describe('log levels', () => {
  it('keeps LOG_LEVEL=warn across invocations of a handler wrapped in the Powertools middlewares', async () => {
    // Prepare: a stream-style handler that logs at info and warn, as the dispatcher does.
    process.env.LOG_LEVEL = 'warn';
    const handler = observed(async (n: number) => {
      log('info', `routine ${n}`);
      log('warn', `notable ${n}`);
    });
    // Act: three invocations (Powertools' injectLambdaContext resets the level to its initial one from the second on).
    const printed = await printedDuring(async () => {
      for (const n of [1, 2, 3]) await handler(n);
    });
    // Assess: only the warnings, every time.
    expect(printed).toEqual(['notable 1', 'notable 2', 'notable 3']);
  });
});
