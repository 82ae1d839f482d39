/** Webhook delivery settings, from the environment so that tests and operators can change them. */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "5s" → 5000; a bare number is milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) throw new Error(`not a duration: ${JSON.stringify(text)} (e.g. 500ms, 5s, 30m, 2h, 5d)`);
  return Number(match[1]) * UNITS[match[2] ?? 'ms']!;
}

export interface WebhookConfig {
  /** Delay before each retry; after the last, the delivery has failed. */
  retrySchedule: number[];
  attemptTimeoutMs: number;
  /** An endpoint failing without a success for this long is disabled. */
  disableAfterMs: number;
  /** How long the previous secret stays valid after a rotation. */
  secretOverlapMs: number;
  /** How long delivery items are kept (DynamoDB TTL on `expiresAt`). */
  deliveryTtlMs: number;
  /**
   * Fan-out ignores changes recorded longer ago than this: their deliveries may have expired, so a late
   * redelivery (the local runtime's catch-up after a long stop) could not be told from a new one. Replay sends them.
   */
  fanoutHorizonMs: number;
}

export function webhookConfig(env: Record<string, string | undefined> = process.env): WebhookConfig {
  const deliveryTtlMs = parseDuration(env.WEBHOOK_DELIVERY_TTL ?? '30d');
  return {
    retrySchedule: (env.WEBHOOK_RETRY_SCHEDULE ?? '5s,5m,30m,2h,5h,10h,10h').split(',').map(parseDuration),
    attemptTimeoutMs: parseDuration(env.WEBHOOK_ATTEMPT_TIMEOUT ?? '10s'),
    disableAfterMs: parseDuration(env.WEBHOOK_DISABLE_AFTER ?? '5d'),
    secretOverlapMs: parseDuration(env.WEBHOOK_SECRET_OVERLAP ?? '24h'),
    deliveryTtlMs,
    fanoutHorizonMs: Math.max(deliveryTtlMs - 86_400_000, deliveryTtlMs / 2),
  };
}

/**
 * The wait before retry number `step` (0-based), with ±10% jitter so that endpoints that fail together do not
 * retry together; undefined when the schedule is exhausted. A Retry-After (on 429 or 503) is honoured within
 * the schedule's bounds.
 */
export function retryDelay(config: WebhookConfig, step: number, retryAfterMs?: number, random: () => number = Math.random): number | undefined {
  const planned = config.retrySchedule[step];
  if (planned === undefined) return undefined;
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, Math.min(...config.retrySchedule)), Math.max(...config.retrySchedule));
  return Math.round(planned * (0.9 + 0.2 * random()));
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
