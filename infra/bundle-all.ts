/** Bundles every function of the shared list with the deploy options, into one folder (for tests and the bench). */
import { build } from 'esbuild';
import { join } from 'node:path';
import { bundling } from './bundling.ts';
import { functions } from './functions.ts';
import { repositoryRoot } from './paths.ts';

export async function bundleAll(outdir: string): Promise<{ name: string; file: string }[]> {
  await build({
    ...bundling,
    mainFields: [...bundling.mainFields],
    banner: { js: bundling.banner },
    bundle: true,
    entryPoints: Object.fromEntries(functions.map((spec) => [spec.name, join(repositoryRoot, spec.entry)])),
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
  });
  return functions.map((spec) => ({ name: spec.name, file: join(outdir, `${spec.name}.mjs`) }));
}
