/**
 * Cold starts are what API users feel: each function's bundle size and its cold import time under Node 22
 * (`await import(bundle)` timed in a fresh process, paired with the baseline's, median of RUNS), beside a baseline measured in the same run: a bare
 * middy + DynamoDB document client bundle, built with the same options. Budget (issue #11): size ≤ 1.5×
 * and cold import ≤ 1.2× the baseline.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundleAll } from '../infra/bundle-all.ts';
import { bundling } from '../infra/bundling.ts';
import { repositoryRoot } from '../infra/paths.ts';

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 7);
/** BENCH_BUNDLES=health,events-create: only these functions (while developing; the baseline is always measured). */
const ONLY = process.env.BENCH_BUNDLES?.split(',').map((name) => name.trim());
/**
 * BENCH_COLD_INSTRUCTIONS=1: also count each import's instructions under valgrind (Debian's `valgrind`; ~20 s a bundle).
 * The count moves by ~1% between runs whatever the load, where CPU time moves by ±0.1 at load 10: it decides a ±0.05
 * question the CPU figure cannot. It is a proxy (it weighs a cache miss as one instruction); the budget stays on CPU time.
 */
const INSTRUCTIONS = process.env.BENCH_COLD_INSTRUCTIONS === '1';
const SIZE_BUDGET = 1.5;
const COLD_BUDGET = 1.2;

/** Node 22, as Lambda's nodejs22.x runs the bundles (BENCH_NODE overrides; `npx node@22` fetches it once). */
function lambdaNode(): string {
  if (process.env.BENCH_NODE) return process.env.BENCH_NODE;
  if (process.versions.node.startsWith('22.')) return process.execPath;
  return execFileSync('npx', ['-y', 'node@22', '-p', 'process.execPath'], { encoding: 'utf8' }).trim();
}
const node = lambdaNode();

/**
 * The environment of an import, as Lambda's: with AWS_EXECUTION_ENV and LAMBDA_TASK_ROOT the X-Ray SDK (Powertools
 * Tracer) loads in automatic mode (its async hook) and builds Lambda's facade segment, as it does at every cold start;
 * without them it would load in manual mode (shared/config/xray-mode.ts) and the import would read cheaper than on Lambda.
 */
const importEnv = {
  ...process.env,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  LAMBDA_TASK_ROOT: tmpdir(),
  AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
};

/**
 * One cold import in a fresh process, measured inside it around `await import()` alone (Node's own start-up is the
 * same for every bundle and would only dilute the ratio), as CPU time: what Lambda's init spends, and what other
 * processes on a loaded machine do not inflate as they do wall time.
 */
function importOnce(file: string): number {
  // CPU time (user + system) of this process alone: other work on a shared machine delays the wall clock, not this.
  const script = `const t = process.cpuUsage(); await import(${JSON.stringify(pathToFileURL(file).href)}); const d = process.cpuUsage(t); process.stdout.write(String((d.user + d.system) / 1000));`;
  const out = execFileSync(node, ['--input-type=module', '-e', script], { env: importEnv, encoding: 'utf8' });
  return Number(out.trim().split('\n').at(-1));
}

const quantile = (samples: number[], q: number) => [...samples].sort((a, b) => a - b)[Math.round((samples.length - 1) * q)]!;
const median = (samples: number[]) => quantile(samples, 0.5);

/** Instructions (valgrind's callgrind) of a fresh process that imports `file`: deterministic to ~1%. */
function instructionsOnce(file: string): number {
  const script = `await import(${JSON.stringify(pathToFileURL(file).href)});`;
  const run = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file', node, '--input-type=module', '-e', script], {
    env: importEnv,
    encoding: 'utf8',
  });
  const refs = /refs:\s+([\d,]+)/.exec(run.stderr ?? '')?.[1];
  if (!refs) throw new Error(`valgrind did not count ${file}: ${run.error?.message ?? run.stderr}`);
  return Number(refs.replaceAll(',', ''));
}

/** Each bundle's import in instructions over the baseline's, both less an empty module's import (Node's own start-up). */
function instructionRatios(files: string[], baselineFile: string, emptyFile: string): number[] {
  const empty = median([0, 1, 2].map(() => instructionsOnce(emptyFile)));
  const base = median([0, 1, 2].map(() => instructionsOnce(baselineFile))) - empty;
  return files.map((file) => (instructionsOnce(file) - empty) / base);
}

/**
 * Cold imports of every candidate, each right after one of the baseline, in rounds over all candidates (the order
 * rotated per round), so a machine busy with other work weighs on each pair alike and on every candidate across the
 * whole run. The ratio is the median of the per-pair ratios.
 */
function coldImports(files: string[], baselineFile: string): { ms: number; baselineMs: number; ratio: number; spread: [number, number] }[] {
  const samples = files.map(() => ({ ms: [] as number[], baselineMs: [] as number[], ratio: [] as number[] }));
  for (let round = 0; round < RUNS; round++) {
    for (let k = 0; k < files.length; k++) {
      const i = (k + round * 7) % files.length;
      const b = importOnce(baselineFile);
      const c = importOnce(files[i]!);
      samples[i]!.ms.push(c);
      samples[i]!.baselineMs.push(b);
      samples[i]!.ratio.push(c / b);
    }
  }
  return samples.map((s) => ({ ms: median(s.ms), baselineMs: median(s.baselineMs), ratio: median(s.ratio), spread: [quantile(s.ratio, 0.25), quantile(s.ratio, 0.75)] }));
}

/**
 * What a bundle carries beyond its code, named so an excess can be told from a regression: the page's files (web:
 * the bundle minus them beside it), ical.js (the functions that expand recurrence rules or parse imports) and
 * Powertools Tracer with the X-Ray SDK (every function).
 */
function carried(inputs: Record<string, number>, size: number, baseSize: number): string {
  const bytes = (match: (path: string) => boolean) => Object.entries(inputs).reduce((sum, [path, n]) => sum + (match(path) ? n : 0), 0);
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  const notes: string[] = [];
  const assets = bytes((path) => path === 'shared/web/assets.ts');
  if (assets > 0) notes.push(`page assets ${kib(assets)}; bundle minus them ${kib(size - assets)} ${((size - assets) / baseSize).toFixed(2)}×`);
  const ical = bytes((path) => path.startsWith('node_modules/ical.js/'));
  if (ical > 0) notes.push(`ical.js ${kib(ical)}`);
  const tracer = bytes((path) => /^node_modules\/(@aws-lambda-powertools\/tracer|aws-xray-sdk-core|cls-hooked|emitter-listener|shimmer|atomic-batcher|@aws\/lambda-invoke-store)\//.test(path));
  if (tracer > 0) notes.push(`Tracer and X-Ray SDK ${kib(tracer)}`);
  return notes.length ? `   (${notes.join('; ')})` : '';
}

/**
 * The floor: what any function here needs at least (middy and a DynamoDB document client), nothing of ours, and
 * with the SDK's default credential chain, which our bundles replace (infra/bundling.ts).
 */
async function baseline(dir: string, withOurAliases = false): Promise<string> {
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
  const outfile = join(dir, withOurAliases ? 'baseline-aliased.mjs' : 'baseline.mjs');
  // The floor as the SDK ships it: without our aliases (the environment-only credentials make our bundles leaner).
  const { alias, ...options } = bundling;
  await build({
    ...options,
    ...(withOurAliases ? { alias } : {}),
    mainFields: [...bundling.mainFields],
    banner: { js: bundling.banner },
    bundle: true,
    entryPoints: [entry],
    outfile,
    nodePaths: [join(repositoryRoot, 'node_modules')],
    logLevel: 'silent',
  });
  return outfile;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'taqweem-bench-bundles-'));
  try {
    const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    console.log(
      `Taqweem bundles bench — ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, load ${loadavg()[0]!.toFixed(1)}, Node ${nodeVersion} (Lambda's nodejs22.x); esbuild ESM, minified, AWS SDK bundled; cold import = CPU time of \`await import(bundle)\` in a fresh process, ${RUNS} rounds, each paired with the baseline's; ratio = median of the pairs`,
    );
    const base = await baseline(dir);
    const baseSize = statSync(base).size;
    const bundles = await bundleAll(join(dir, 'out'), ONLY && ((name) => ONLY.includes(name)));
    const cold = coldImports(
      bundles.map((b) => b.file),
      base,
    );
    const emptyFile = join(dir, 'empty.mjs');
    writeFileSync(emptyFile, 'export {};\n');
    const instructions = INSTRUCTIONS
      ? instructionRatios(
          bundles.map((b) => b.file),
          base,
          emptyFile,
        )
      : undefined;
    console.log(
      `  baseline: middy + DynamoDB client   ${`${(baseSize / 1024).toFixed(0)} KiB`.padStart(9)}   cold import ${median(cold.map((c) => c.baselineMs))
        .toFixed(1)
        .padStart(6)} ms`,
    );
    // For reference, not the budget: the same floor with our aliases, i.e. what the credentials cut alone is worth.
    const aliased = await baseline(dir, true);
    const [aliasedCold] = coldImports([aliased], base);
    console.log(
      `  (baseline with our aliases, env-only credentials: ${(statSync(aliased).size / 1024).toFixed(0)} KiB ${(statSync(aliased).size / baseSize).toFixed(2)}×, cold import ${aliasedCold!.ms.toFixed(1)} ms ${aliasedCold!.ratio.toFixed(2)}×)`,
    );
    let over = 0;
    bundles.forEach((bundle, i) => {
      const size = statSync(bundle.file).size;
      const { ms, ratio, spread } = cold[i]!;
      const sizeRatio = size / baseSize;
      const verdict = sizeRatio <= SIZE_BUDGET && ratio <= COLD_BUDGET ? 'ok' : 'OVER';
      if (verdict === 'OVER') over++;
      console.log(
        `  ${bundle.name.padEnd(22)} ${`${(size / 1024).toFixed(0)} KiB`.padStart(9)} ${sizeRatio.toFixed(2).padStart(5)}×   cold import ${ms.toFixed(1).padStart(6)} ms ${ratio.toFixed(2).padStart(5)}× (IQR ${spread.map((r) => r.toFixed(2)).join('–')})${instructions ? `, instructions ${instructions[i]!.toFixed(3)}×` : ''}   ${verdict}${carried(bundle.inputs, size, baseSize)}`,
      );
    });
    console.log(`  budget: size ≤ ${SIZE_BUDGET}× and cold import ≤ ${COLD_BUDGET}× the baseline; ${bundles.length - over}/${bundles.length} within`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
