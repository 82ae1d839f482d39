import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { assetsModule, assetsModulePath } from '../../infra/build-web.ts';

it('ships the page as it stands in web/ (run `npm run build-web` after editing it)', () => {
  expect(readFileSync(assetsModulePath, 'utf8')).toBe(assetsModule());
});
