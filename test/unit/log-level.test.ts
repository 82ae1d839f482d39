/**
 * LOG_LEVEL holds for every invocation (issue #10 follow-up): Powertools puts the logger's level back to the one it
 * was created with at each invocation, so a level set later (the local runtime and the benches set it after the
 * logger exists) held for the first invocation only, and INFO lines printed under LOG_LEVEL=error from then on.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { log } from '#config/log';
import { observed } from '#config/observability';

const level = process.env.LOG_LEVEL;
afterEach(() => {
  process.env.LOG_LEVEL = level;
  vi.restoreAllMocks();
});

/** The log lines (their level and message) written to stdout and stderr while `act` runs. */
async function linesDuring(act: () => Promise<unknown>): Promise<{ level: string; message: string }[]> {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  await act();
  vi.restoreAllMocks();
  return lines
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.includes('"message"'))
    .map((line) => JSON.parse(line) as { level: string; message: string });
}

it('prints no info line under LOG_LEVEL=error, in the first invocation and in every later one', async () => {
  // Prepare: a handler that logs at info and at error, and the level set after the logger was created.
  const handler = observed(async () => {
    log('info', 'routine');
    log('error', 'trouble');
  });
  process.env.LOG_LEVEL = 'error';

  // Act: three invocations.
  const lines = await linesDuring(async () => {
    for (let i = 0; i < 3; i++) await handler({});
  });

  // Assess: the three error lines, and no info line.
  expect(lines.map((line) => line.message)).toEqual(['trouble', 'trouble', 'trouble']);
});

it('prints info lines again when LOG_LEVEL goes back to info', async () => {
  const handler = observed(async () => log('info', 'routine'));
  process.env.LOG_LEVEL = 'error';
  await linesDuring(() => handler({}));
  process.env.LOG_LEVEL = 'info';

  const lines = await linesDuring(() => handler({}));

  expect(lines.map((line) => line.message)).toEqual(['routine']);
});
