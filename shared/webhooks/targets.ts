/**
 * Where a webhook may point. Only https, and never at loopback, private, link-local, shared or cloud-metadata
 * addresses: checked when subscribing and again at every attempt, on the very address then connected to, so a
 * DNS answer that changes in between (rebinding) gains nothing. ALLOW_PRIVATE_WEBHOOK_TARGETS=1 lifts this
 * (and allows http) for local development and tests.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DomainError } from '#domain/errors';

const forbidden = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) forbidden.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) forbidden.addSubnet(network, prefix, 'ipv6');

export const privateTargetsAllowed = (): boolean => process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS === '1';

/** True for an address no webhook may reach (IPv4-mapped IPv6 is judged as the IPv4 address it maps). */
export function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return forbidden.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return forbidden.check(address, family === 4 ? 'ipv4' : 'ipv6');
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
