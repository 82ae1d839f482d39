import { describe, expect, it } from 'vitest';
import { languageOfText } from '#import/languages';

describe('languageOfText: the language of a text a file gives without LANGUAGE', () => {
  it('takes a valid LANGUAGE parameter, canonicalized, over any guess', () => {
    expect(languageOfText('Partners forum', 'EN-us', ['ar'])).toBe('en-US');
    expect(languageOfText('اجتماع', 'zh-cn', ['ar'])).toBe('zh-CN');
  });

  it('keeps a language in play written in the text’s script, first one first', () => {
    expect(languageOfText('Réunion des partenaires', undefined, ['fr', 'en'])).toBe('fr');
    expect(languageOfText('Partners forum', undefined, ['ar', 'en-GB'])).toBe('en-GB');
    expect(languageOfText('会议', undefined, ['ar', 'zh-Hant'])).toBe('zh-Hant');
    expect(languageOfText('会議', undefined, ['ja'])).toBe('ja');
  });

  it('names the script’s usual language when none in play writes it', () => {
    expect(languageOfText('Partners forum', undefined, ['ar'])).toBe('en');
    expect(languageOfText('合作伙伴会议', undefined, ['ar'])).toBe('zh');
    expect(languageOfText('اجتماع اللجنة التنفيذية', undefined, ['en'])).toBe('ar');
    expect(languageOfText('Встреча', undefined, ['ar'])).toBe('ru');
  });

  it('goes by most letters in a mixed text, and falls back to the first language in play without letters', () => {
    expect(languageOfText('اجتماع لجنة GCC التنفيذية', undefined, ['en'])).toBe('ar');
    expect(languageOfText('2026 — 14:00', undefined, ['ar'])).toBe('ar');
    expect(languageOfText(undefined, undefined, ['zh'])).toBe('zh');
    expect(languageOfText('नमस्ते', undefined, ['ar'])).toBe('ar');
  });

  it('ignores an invalid LANGUAGE parameter and guesses instead', () => {
    expect(languageOfText('Partners forum', 'not a tag!', ['ar'])).toBe('en');
  });
});
