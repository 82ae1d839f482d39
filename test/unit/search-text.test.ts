import { describe, expect, it } from 'vitest';
import { foldForSearch, matchesTerms, searchTerms, searchTextOf } from '#views/search-text';

describe('folding titles for search', () => {
  it('sets aside Arabic diacritics and tatweel, and folds alef, ya and ta marbuta variants', () => {
    expect(foldForSearch('المُنْتَدَى العَرَبِيّ')).toBe(foldForSearch('المنتدي العربي'));
    expect(foldForSearch('أإآٱ')).toBe('اااا');
    expect(foldForSearch('مكتبة مصطفى فارسی')).toBe('مكتبه مصطفي فارسي');
    expect(foldForSearch('عـــربي')).toBe('عربي');
  });

  it('applies NFKC (presentation forms, full-width letters), lower case and one kind of dash and space', () => {
    expect(foldForSearch('ﻷمير')).toBe('لامير');
    expect(foldForSearch('Ｆｏｒｕｍ')).toBe('forum');
    expect(foldForSearch('  Arab–Chinese\tCITIES  ')).toBe('arab-chinese cities');
    expect(foldForSearch('Café')).toBe('cafe');
  });

  it('keeps each title apart, so no word matches across two languages', () => {
    const text = searchTextOf({ title: { en: 'Water', zh: '论坛' } });
    expect(matchesTerms(text, searchTerms('WATER 论坛'))).toBe(true);
    expect(matchesTerms(text, searchTerms('water论坛'))).toBe(false);
    expect(matchesTerms(searchTextOf({ title: { zh: '阿中城市论坛' } }), searchTerms('城市'))).toBe(true);
    expect(searchTerms('ـَ')).toEqual([]);
  });
});
