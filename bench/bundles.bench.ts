/**
 * Cold starts are what API users feel: each function's bundle size and its cold import time
 * (`node -e "await import(bundle)"`, median of RUNS), beside a baseline measured in the same run: a bare
 * middy + DynamoDB document client bundle, built with the same options. Budget (issue #11): size ≤ 1.5×
 * and cold import ≤ 1.2× the baseline.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundleAll } from '../infra/bundle-all.ts';
import { bundling } from '../infra/bundling.ts';
import { repositoryRoot } from '../infra/paths.ts';

const RUNS = 5;
const SIZE_BUDGET = 1.5;
const COLD_BUDGET = 1.2;

function importOnce(file: string): number {
  const started = performance.now();
  execFileSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(file).href)})`], { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  return performance.now() - started;
}

const median = (samples: number[]) => samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;

/** Cold imports of `file` and of the baseline, alternated, so a machine busy with other work slows both alike. */
function coldMs(file: string, baselineFile = file): { ms: number; baselineMs: number } {
  const ms: number[] = [];
  const baselineMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ms.push(importOnce(file));
    baselineMs.push(importOnce(baselineFile));
  }
  return { ms: median(ms), baselineMs: median(baselineMs) };
}

/** The floor: what any function here needs at least (middy and a DynamoDB document client), nothing of ours. */
async function baseline(dir: string): Promise<string> {
  const entry = join(dir, 'baseline-entry.mjs');
  writeFileSync(
    entry,
    [
      "import middy from '@middy/core';",
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';",
      'const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
      "export const handler = middy(async (event) => client.send(new GetCommand({ TableName: 't', Key: { pk: event.id } })));",
    ].join('\n'),
  );
  const outfile = join(dir, 'baseline.mjs');
  await build({ ...bundling, mainFields: [...bundling.mainFields], banner: { js: bundling.banner }, bundle: true, entryPoints: [entry], outfile, nodePaths: [join(repositoryRoot, 'node_modules')], logLevel: 'silent' });
  return outfile;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'taqweem-bench-bundles-'));
  try {
    console.log(
      `Taqweem bundles bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, Node ${process.version}; esbuild ESM, minified, AWS SDK bundled; cold import = median of ${RUNS}, alternated with the baseline's (ratio against the baseline's median of the same rounds)`,
    );
    const base = await baseline(dir);
    const baseSize = statSync(base).size;
    writeFileSync(join(dir, 'empty.mjs'), '');
    const floor = coldMs(join(dir, 'empty.mjs'), base);
    const baseMs = floor.baselineMs;
    console.log(`  node itself (an empty module)                   cold import ${floor.ms.toFixed(0).padStart(5)} ms`);
    console.log(`  baseline: middy + DynamoDB client   ${`${(baseSize / 1024).toFixed(0)} KiB`.padStart(9)}   cold import ${baseMs.toFixed(0).padStart(5)} ms`);
    const bundles = await bundleAll(join(dir, 'out'));
    let over = 0;
    for (const bundle of bundles) {
      const size = statSync(bundle.file).size;
      const { ms, baselineMs } = coldMs(bundle.file, base);
      const sizeRatio = size / baseSize;
      const msRatio = ms / baselineMs;
      const verdict = sizeRatio <= SIZE_BUDGET && msRatio <= COLD_BUDGET ? 'ok' : 'OVER';
      if (verdict === 'OVER') over++;
      console.log(
        `  ${bundle.name.padEnd(22)} ${`${(size / 1024).toFixed(0)} KiB`.padStart(9)} ${sizeRatio.toFixed(2).padStart(5)}×   cold import ${ms.toFixed(0).padStart(5)} ms ${msRatio.toFixed(2).padStart(5)}×   ${verdict}`,
      );
    }
    console.log(`  budget: size ≤ ${SIZE_BUDGET}× and cold import ≤ ${COLD_BUDGET}× the baseline; ${bundles.length - over}/${bundles.length} within`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
