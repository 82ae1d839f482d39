/** The page's weight, as a browser downloads it: raw, gzip and brotli, for the HTML, script and styles. */
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { assets } from '#web/assets';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`.padStart(10);
console.log('Taqweem web page — no framework; sizes as served');
let total = 0;
for (const [path, asset] of Object.entries(assets)) {
  const raw = Buffer.from(asset.body);
  const brotli = brotliCompressSync(raw).length;
  total += brotli;
  console.log(`  ${path.padEnd(9)} raw ${kb(raw.length)}  gzip ${kb(gzipSync(raw).length)}  brotli ${kb(brotli)}`);
}
console.log(`  all three, brotli: ${kb(total)}`);
