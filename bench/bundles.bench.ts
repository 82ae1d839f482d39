/**
 * Cold starts are what API users feel: each function's bundle size and its cold import time
 * (`node -e "await import(bundle)"`, median of 5), beside a bare `node -e 0` measured in the same run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleAll } from '../infra/bundle-all.ts';

const RUNS = 5;

function coldMs(script: string): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    execFileSync(process.execPath, ['--input-type=module', '-e', script]);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'taqweem-bench-bundles-'));
  console.log(`Taqweem bundles bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, Node ${process.version}; esbuild ESM, minified, AWS SDK bundled`);
  const bundles = await bundleAll(dir);
  console.log(`  baseline: node -e 0                      ${coldMs('0').toFixed(0).padStart(5)} ms`);
  for (const bundle of bundles) {
    const size = `${(statSync(bundle.file).size / 1024).toFixed(0)} KiB`;
    const ms = coldMs(`await import(${JSON.stringify(pathToFileURL(bundle.file).href)})`);
    console.log(`  ${bundle.name.padEnd(22)} ${size.padStart(9)}   cold import ${ms.toFixed(0).padStart(5)} ms`);
  }
  rmSync(dir, { recursive: true, force: true });
}

void main();
