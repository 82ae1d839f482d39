/** The repo guards itself: Biome's dependency rule keeps shared/domain pure (no I/O, no higher layer). */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repositoryRoot } from '../../infra/paths.ts';

const biome = join(repositoryRoot, 'node_modules', '.bin', 'biome');
// Probes go to a scratch copy of the layout with the repo's biome.json, never into the tree.
const scratch = mkdtempSync(join(tmpdir(), 'taqweem-lint-'));
copyFileSync(join(repositoryRoot, 'biome.json'), join(scratch, 'biome.json'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Lints source text as if it lived at `path` in this repository. */
function lintAs(path: string, source: string): Promise<{ code: number; output: string }> {
  const file = join(scratch, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, source);
  return new Promise((resolve) => {
    execFile(biome, ['lint', '--vcs-enabled=false', '--colors=off', path], { cwd: scratch }, (error, stdout, stderr) => {
      resolve({ code: error ? 1 : 0, output: `${stdout}${stderr}` });
    });
  });
}

it('refuses I/O and higher layers in shared/domain, and allows them elsewhere', async () => {
  const io = "import { readFileSync } from 'node:fs';\nimport { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const used = [readFileSync, DynamoDBClient];\n";
  const higher = "import { DynamoJournal } from '#journal/journal';\nexport const used = [DynamoJournal];\n";
  const pure = "import { createHash } from 'node:crypto';\nimport { DomainError } from './errors.ts';\nexport const used = [createHash, DomainError];\n";

  const [ioInDomain, higherInDomain, pureInDomain, ioInJournal] = await Promise.all([
    lintAs('shared/domain/probe.ts', io),
    lintAs('shared/domain/higher.ts', higher),
    lintAs('shared/domain/pure.ts', pure),
    lintAs('shared/journal/probe.ts', io),
  ]);

  expect(ioInDomain.code).not.toBe(0);
  expect(ioInDomain.output).toContain('noRestrictedImports');
  expect(higherInDomain.code).not.toBe(0);
  expect(higherInDomain.output).toContain('bottom layer');
  expect(pureInDomain.code).toBe(0);
  expect(ioInJournal.code).toBe(0);
}, 30_000);
