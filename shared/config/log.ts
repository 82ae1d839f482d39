/**
 * Structured JSON logs, one line each, filtered by LOG_LEVEL (debug, info, warn, error; default info),
 * written by the Powertools Logger so that every line carries the service, the Lambda context and the
 * request's correlation id.
 */
import { logger } from './observability.ts';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const levels: Record<string, Uppercase<Level>> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };
let appliedLevel: string | undefined;

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  // LOG_LEVEL may be set after this module loaded (the local runtime sets it at start).
  const wanted = process.env.LOG_LEVEL ?? 'info';
  if (wanted !== appliedLevel && levels[wanted]) {
    logger.setLogLevel(levels[wanted]!);
    appliedLevel = wanted;
  }
  logger[level](message, fields);
}
