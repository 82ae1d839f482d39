/**
 * Where a webhook may point. Only https, and only at public unicast addresses (never loopback, private, link-local,
 * shared, cloud-metadata or an IPv6 form that embeds one of those):
 * checked when subscribing and again at every attempt, on the very address then connected to, so a
 * DNS answer that changes in between (rebinding) gains nothing. ALLOW_PRIVATE_WEBHOOK_TARGETS=1 lifts this
 * (and allows http) for local development and tests.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { DomainError } from '#domain/errors';

export const privateTargetsAllowed = (): boolean => process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS === '1';

/**
 * True for an address no webhook may reach. ipaddr.js classifies it (an allow-list: only its `unicast` range
 * passes); IPv4-mapped and IPv4-compatible IPv6 are judged as the IPv4 address they carry, and every other
 * form that embeds or translates an IPv4 address (6to4, Teredo, NAT64 64:ff9b::/96 and 64:ff9b:1::/48,
 * SIIT) is refused outright, as are site-local fec0::/10 and documentation ranges.
 */
export function isForbiddenAddress(address: string): boolean {
  if (!ipaddr.isValid(address) || isIP(address) === 0) return true;
  return ipaddr.process(address).range() !== 'unicast';
}

export class TargetRefused extends Error {}

export interface VettedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** Resolves a webhook URL and returns the one address it may be sent to, or throws TargetRefused. */
export async function vetTarget(rawUrl: string): Promise<VettedTarget> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new TargetRefused('is not a URL');
  }
  const allowPrivate = privateTargetsAllowed();
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) throw new TargetRefused('must be an https URL');
  if (url.username || url.password) throw new TargetRefused('must not carry credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true, verbatim: true });
  } catch {
    throw new TargetRefused(`host ${host} does not resolve`);
  }
  if (!allowPrivate && addresses.some(({ address }) => isForbiddenAddress(address))) {
    throw new TargetRefused(`resolves to an address webhooks may not reach (loopback, private, link-local or metadata)`);
  }
  const [first] = addresses;
  if (!first) throw new TargetRefused(`host ${host} does not resolve`);
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** For requests: the same check, as a 400 naming the field. */
export async function checkWebhookUrl(rawUrl: string, field = 'url'): Promise<void> {
  try {
    await vetTarget(rawUrl);
  } catch (error) {
    if (error instanceof TargetRefused) throw new DomainError('invalid', `${field}: ${error.message}`, [{ field, message: error.message }]);
    throw error;
  }
}
