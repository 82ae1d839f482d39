import { describe, expect, it } from 'vitest';
import { isForbiddenAddress } from '#webhooks/targets';
import { parseDuration, parseRetryAfter, retryDelay, webhookConfig } from '#webhooks/config';

describe('webhook settings', () => {
  it('default to the documented retry schedule, and read compressed ones for tests', () => {
    expect(webhookConfig({}).retrySchedule).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(webhookConfig({ WEBHOOK_RETRY_SCHEDULE: '100ms,2s' }).retrySchedule).toEqual([100, 2000]);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });

  it('jitter each retry by at most 10%, and end after the last', () => {
    const config = webhookConfig({});
    expect(retryDelay(config, 0, undefined, () => 0)).toBe(4_500);
    expect(retryDelay(config, 0, undefined, () => 1)).toBe(5_500);
    expect(retryDelay(config, 7)).toBeUndefined();
  });

  it('honour Retry-After within the bounds of the schedule', () => {
    const config = webhookConfig({});
    expect(retryDelay(config, 0, 120_000)).toBe(120_000);
    expect(retryDelay(config, 0, 0)).toBe(5_000);
    expect(retryDelay(config, 0, 100 * 3_600_000)).toBe(36_000_000);
    const now = new Date('2026-07-01T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 01 Jul 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('whenever', now)).toBeUndefined();
  });
});

describe('forbidden webhook addresses', () => {
  it.each(['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00:ec2::254', '::ffff:127.0.0.1', 'not-an-ip'])('refuse %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34'])('allow %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});
