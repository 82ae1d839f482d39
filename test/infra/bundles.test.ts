import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { bundleAll } from '../../infra/bundle-all.ts';
import { functions } from '../../infra/functions.ts';

it('bundles every function as it deploys, and each bundle loads in a plain Node process and exports a handler', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'taqweem-bundles-'));
  try {
    const bundles = await bundleAll(dir);
    expect(bundles.map((b) => b.name)).toEqual(functions.map((f) => f.name));
    for (const bundle of bundles) expect(statSync(bundle.file).size).toBeGreaterThan(1000);
    const script = `for (const file of ${JSON.stringify(bundles.map((b) => pathToFileURL(b.file).href))}) { const m = await import(file); if (typeof m.handler !== 'function') throw new Error(file + ' has no handler'); } console.log('loaded');`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000 });
    expect(stdout.trim()).toBe('loaded');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
