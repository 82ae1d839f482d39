/** Bundles every function of the shared list with the deploy options, into one folder (for tests and the bench). */
import { build } from 'esbuild';
import { join, relative } from 'node:path';
import { bundling } from './bundling.ts';
import { functions } from './functions.ts';
import { repositoryRoot } from './paths.ts';

export interface Bundle {
  name: string;
  file: string;
  /** Bytes each input (a path from the repository root) takes in the bundle, from esbuild's metafile. */
  inputs: Record<string, number>;
}

export async function bundleAll(outdir: string, only?: (name: string) => boolean): Promise<Bundle[]> {
  const specs = functions.filter((spec) => only?.(spec.name) ?? true);
  const { metafile } = await build({
    ...bundling,
    mainFields: [...bundling.mainFields],
    banner: { js: bundling.banner },
    bundle: true,
    entryPoints: Object.fromEntries(specs.map((spec) => [spec.name, join(repositoryRoot, spec.entry)])),
    outdir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.entries(metafile.outputs);
  return specs.map((spec) => {
    const file = join(outdir, `${spec.name}.mjs`);
    const output = outputs.find(([path]) => join(process.cwd(), path) === file)?.[1];
    const inputs = Object.fromEntries(Object.entries(output?.inputs ?? {}).map(([path, { bytesInOutput }]) => [relative(repositoryRoot, join(process.cwd(), path)), bytesInOutput]));
    return { name: spec.name, file, inputs };
  });
}
