/**
 * Structured JSON logs, one line each, filtered by LOG_LEVEL (debug, info, warn, error; default info),
 * written by the Powertools Logger so that every line carries the service, the Lambda context and the
 * request's correlation id.
 */
import { logger } from './observability.ts';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const levels: Record<string, Uppercase<Level>> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  // LOG_LEVEL may be set after this module loaded (the local runtime sets it at start), and Powertools'
  // injectLambdaContext puts the logger back to its initial level at every invocation after the first:
  // so compare with the logger's level now, not with what was last applied.
  const wanted = levels[process.env.LOG_LEVEL ?? 'info'];
  if (wanted && logger.getLevelName() !== wanted) logger.setLogLevel(wanted);
  logger[level](message, fields);
}
