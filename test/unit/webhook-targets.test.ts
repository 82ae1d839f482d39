/** Webhook targets: which addresses a delivery may connect to, and how much of an answer is kept. */
import { describe, expect, it } from 'vitest';
import { isForbiddenAddress } from '#webhooks/targets';
import { utf8Prefix } from '#webhooks/send';

describe('isForbiddenAddress', () => {
  it.each([
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:0:7f00:1', 'SIIT (RFC 6145) loopback'],
    ['2002:7f00:1::', '6to4 of 127.0.0.1'],
    ['2002:a9fe:a9fe::', '6to4 of 169.254.169.254 (metadata)'],
    ['64:ff9b::7f00:1', 'NAT64 64:ff9b::/96'],
    ['64:ff9b:1::a9fe:a9fe', 'local NAT64 64:ff9b:1::/48'],
    ['fec0::1', 'site-local fec0::/10'],
    ['2001::7f00:1', 'Teredo'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fd00::1', 'unique local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['127.0.0.1', 'IPv4 loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['169.254.169.254', 'link-local, cloud metadata'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['198.18.0.1', 'benchmarking'],
    ['not-an-address', 'not an address'],
  ])('refuses %s (%s)', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});

describe('utf8Prefix', () => {
  it('keeps at most the bytes asked for, and never half a character', () => {
    const arabic = 'تقويم'.repeat(200); // two bytes a letter
    const kept = utf8Prefix(Buffer.from(`x${arabic}`), 1024);
    expect(Buffer.byteLength(kept)).toBe(1023);
    expect(kept).not.toContain('\uFFFD');
    expect(utf8Prefix(Buffer.from('😀😀'), 7)).toBe('😀');
    expect(utf8Prefix(Buffer.from('plain'), 1024)).toBe('plain');
  });
});
