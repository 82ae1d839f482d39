/**
 * The page's weight as a browser downloads it: the bytes the web function sends for each file when the browser
 * says `Accept-Encoding: gzip, deflate, br, zstd` (as Chromium does), beside the uncompressed baseline.
 */
import { cpus } from 'node:os';
import { assets } from '#web/assets';
import { serveAsset } from '#web/serve';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`.padStart(10);
const sent = (path: string, acceptEncoding?: string) => {
  const started = performance.now();
  const response = serveAsset(assets[path]!, { acceptEncoding, framable: false, cacheControl: 'no-cache' });
  const ms = performance.now() - started;
  const body = response.body ?? '';
  return { bytes: response.isBase64Encoded ? Buffer.from(body, 'base64').length : Buffer.byteLength(body), encoding: String(response.headers?.['content-encoding'] ?? 'identity'), ms };
};

console.log(`Taqweem web page — no framework; bytes as the web function sends them (${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, Node ${process.version})`);
const totals = { identity: 0, gzip: 0, transferred: 0 };
for (const path of ['/', '/app.js', '/app.css']) {
  const identity = sent(path);
  const gzip = sent(path, 'gzip');
  const chromium = sent(path, 'gzip, deflate, br, zstd');
  const again = sent(path, 'gzip, deflate, br, zstd');
  totals.identity += identity.bytes;
  totals.gzip += gzip.bytes;
  totals.transferred += chromium.bytes;
  console.log(
    `  ${path.padEnd(9)} uncompressed ${kb(identity.bytes)}  gzip ${kb(gzip.bytes)}  sent to Chromium (${chromium.encoding}) ${kb(chromium.bytes)}  served in ${chromium.ms.toFixed(2)} ms (then ${again.ms.toFixed(2)} ms; compressed at build time)`,
  );
}
console.log(`  page weight, transferred: ${kb(totals.transferred).trim()} (uncompressed baseline ${kb(totals.identity).trim()}, gzip ${kb(totals.gzip).trim()})`);
