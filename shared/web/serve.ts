/**
 * How the page's files are served: compressed per Accept-Encoding (brotli, then gzip), with an ETag per
 * representation, and framing allowed only for the read-only embed.
 */
import { brotliDecompressSync, gzipSync } from 'node:zlib';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { notModified } from '#http/respond';

export interface Asset {
  type: string;
  etag: string;
  /**
   * The body, brotli-compressed at build time (base64): the only copy the bundle carries. Most clients take it
   * as is; the text and gzip forms are made from it on first use, once per container (bench/bundles: web).
   */
  br: string;
}

export type Encoding = 'br' | 'gzip' | 'identity';

const csp = (frameAncestors: string) => `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors ${frameAncestors}; base-uri 'none'; form-action 'self'`;

/** Editing pages refuse every frame; the embed may be framed by any site (it is read-only and sends no key). */
export function securityHeaders(framable: boolean): Record<string, string> {
  return {
    'content-security-policy': csp(framable ? '*' : "'none'"),
    ...(framable ? {} : { 'x-frame-options': 'DENY' }),
    'x-content-type-options': 'nosniff',
    // Feed-token URLs never leak to other sites through Referer.
    'referrer-policy': 'no-referrer',
  };
}

/** The best coding the client accepts (RFC 9110 §12.5.3): br over gzip over none; q=0 refuses. */
export function negotiateEncoding(acceptEncoding: string | undefined): Encoding {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    if (name) accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const weight = (coding: string) => accepted.get(coding) ?? accepted.get('*') ?? 0;
  if (weight('br') > 0) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return 'identity';
}

// The text and gzip forms, made once per container from the brotli copy.
const derived = new Map<string, string>();

function once(key: string, make: () => string): string {
  let value = derived.get(key);
  if (value === undefined) {
    value = make();
    derived.set(key, value);
  }
  return value;
}

/** The body as text (brotli-decoded on first use: about a millisecond for app.js). */
export function textOf(asset: Asset): string {
  return once(`${asset.etag}text`, () => brotliDecompressSync(Buffer.from(asset.br, 'base64')).toString('utf8'));
}

/** The body in a coding, as base64 (API Gateway's form for binary bodies). */
export function encode(asset: Asset, encoding: Exclude<Encoding, 'identity'>): string {
  if (encoding === 'br') return asset.br;
  return once(`${asset.etag}gzip`, () => gzipSync(Buffer.from(textOf(asset), 'utf8'), { level: 9 }).toString('base64'));
}

/** The response for one file: 304 when the client holds this representation, else the (compressed) body. */
export function serveAsset(asset: Asset, request: { acceptEncoding?: string; ifNoneMatch?: string; framable: boolean; cacheControl: string }): APIGatewayProxyStructuredResultV2 {
  const encoding = negotiateEncoding(request.acceptEncoding);
  // A strong ETag names one representation, so each coding has its own.
  const etag = encoding === 'identity' ? asset.etag : `${asset.etag.slice(0, -1)}-${encoding}"`;
  const headers: Record<string, string> = { 'content-type': asset.type, etag, 'cache-control': request.cacheControl, vary: 'accept-encoding', ...securityHeaders(request.framable) };
  if (notModified(request.ifNoneMatch, etag)) return { statusCode: 304, headers };
  if (encoding === 'identity') return { statusCode: 200, headers, body: textOf(asset) };
  return { statusCode: 200, headers: { ...headers, 'content-encoding': encoding }, body: encode(asset, encoding), isBase64Encoded: true };
}
