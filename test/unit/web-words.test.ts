import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fieldErrorCodes } from '#domain/errors';
import { eventChangeTypes } from '#domain/schemas';
import { repositoryRoot } from '../../infra/paths.ts';

// The page's word list, read from the page itself (it is plain data: no code runs but the literal).
const source = readFileSync(join(repositoryRoot, 'web/app.js'), 'utf8');
const literal = source.slice(source.indexOf('const WORDS = ') + 'const WORDS = '.length, source.indexOf('\n};\n', source.indexOf('const WORDS = ')) + 2);
const words = new Function(`return ${literal}`)() as Record<string, string[]>;

describe("the page's words", () => {
  it('has every word in English, Arabic and Chinese', () => {
    const incomplete = Object.entries(words)
      .filter(([, row]) => row.length !== 3 || row.some((text) => !text.trim()))
      .map(([key]) => key);
    expect(incomplete).toEqual([]);
    const arabic = Object.entries(words)
      .filter(([, row]) => /^[\x20-\x7e]*$/.test(row[1]!) && !/^(Outlook\.com|Microsoft 365)$/.test(row[1]!))
      .map(([key]) => key);
    expect(arabic).toEqual([]);
  });

  it('translates every field error code the API can send, and every change type', () => {
    expect(fieldErrorCodes.filter((code) => !words[`err_${code}`])).toEqual([]);
    expect(eventChangeTypes.filter((type) => !words[`change_${type}`])).toEqual([]);
  });
});
