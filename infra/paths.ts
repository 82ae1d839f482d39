import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: function entries in infra/functions.ts are relative to it. */
export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
