import { readFileSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { assets } from '#web/assets';
import { negotiateEncoding, serveAsset } from '#web/serve';

const script = assets['/app.js']!;
/** The file as it stands in web/: what every coding must decode to (the bundle carries only a brotli copy). */
const scriptText = readFileSync(new URL('../../web/app.js', import.meta.url), 'utf8');
const request = { framable: false, cacheControl: 'no-cache' };

describe('serving the page', () => {
  it('prefers brotli, then gzip, and honours q=0', () => {
    expect(negotiateEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(negotiateEncoding('gzip;q=1, br;q=0')).toBe('gzip');
    expect(negotiateEncoding('*')).toBe('br');
    expect(negotiateEncoding('identity')).toBe('identity');
    expect(negotiateEncoding(undefined)).toBe('identity');
  });

  it('sends the script brotli- or gzip-compressed, and identical once decoded', () => {
    const br = serveAsset(script, { ...request, acceptEncoding: 'gzip, br' });
    expect(br.headers).toMatchObject({ 'content-encoding': 'br', vary: 'accept-encoding' });
    expect(br.isBase64Encoded).toBe(true);
    const brBytes = Buffer.from(br.body!, 'base64');
    expect(brotliDecompressSync(brBytes).toString('utf8')).toBe(scriptText);
    expect(brBytes.length).toBeLessThan(Buffer.byteLength(scriptText) / 3);
    const gzip = serveAsset(script, { ...request, acceptEncoding: 'gzip' });
    expect(gzip.headers!['content-encoding']).toBe('gzip');
    expect(gunzipSync(Buffer.from(gzip.body!, 'base64')).toString('utf8')).toBe(scriptText);
    const plain = serveAsset(script, request);
    expect(plain.headers!['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(scriptText);
  });

  it('gives each coding its own ETag, and answers 304 only for the one the client holds', () => {
    const br = serveAsset(script, { ...request, acceptEncoding: 'br' });
    const plain = serveAsset(script, request);
    expect(br.headers!.etag).not.toBe(plain.headers!.etag);
    expect(serveAsset(script, { ...request, acceptEncoding: 'br', ifNoneMatch: String(br.headers!.etag) }).statusCode).toBe(304);
    expect(serveAsset(script, { ...request, acceptEncoding: 'br', ifNoneMatch: String(plain.headers!.etag) }).statusCode).toBe(200);
  });

  it('lets other sites frame the embed only', () => {
    const page = serveAsset(assets['/']!, request);
    expect(page.headers!['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers!['x-frame-options']).toBe('DENY');
    const embed = serveAsset(assets['/embed']!, { ...request, framable: true });
    expect(embed.headers!['content-security-policy']).toContain('frame-ancestors *');
    expect(embed.headers!['x-frame-options']).toBeUndefined();
  });
});
