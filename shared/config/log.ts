/** Structured JSON logs, one line each, filtered by LOG_LEVEL (debug, info, warn, error; default info). */
const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type Level = keyof typeof levels;

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  const threshold = levels[(process.env.LOG_LEVEL as Level) ?? 'info'] ?? levels.info;
  if (levels[level] < threshold) return;
  const line = JSON.stringify({ level, message, ...fields });
  if (levels[level] >= levels.warn) console.error(line);
  else console.log(line);
}
