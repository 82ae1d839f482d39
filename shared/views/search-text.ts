/**
 * The text a title search matches against (docs/decisions/0022-search.md). The projector stores it on each event's
 * view item, so a search compares stored text with a DynamoDB `contains` filter and renders nothing per request.
 * Both sides go through `foldForSearch`: what an editor typed and what a reader types meet in one spelling.
 */
import type { CalendarEvent } from '#domain/event';

/**
 * Bumped whenever `foldForSearch` or `searchTextOf` changes. Items carry the version their text was folded with; a
 * search matches older ones from their document instead (correct at once, at the old cost) until
 * `npm run rebuild-views` has rewritten them.
 */
export const SEARCH_VERSION = 1;

/** Titles are joined with a character no folded query contains, so no term matches across two languages. */
const BETWEEN_TITLES = '\n';

// Arabic marks: Quranic annotation signs, tashkeel (fathatan … sukun, hamza above/below), superscript alef, small
// high marks; and tatweel, which only stretches a word. Latin combining accents go too: "cafe" finds "café".
const MARKS = /[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]/g;
// Once decomposed (NFD), alef with hamza or madda is a bare alef and a mark; these have no decomposition.
const LETTER_VARIANTS: Record<string, string> = {
  // alef wasla → alef; alef maksura and Farsi yeh → yeh; ta marbuta → heh
  ٱ: 'ا',
  ى: 'ي',
  ی: 'ي',
  ة: 'ه',
};

/**
 * One spelling for search: NFKC (full-width, presentation forms and ligatures to plain letters), lower case, Arabic
 * diacritics and tatweel dropped, alef / ya / ta marbuta variants folded, dashes as "-", white space as one space.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(MARKS, '')
    .replace(/[ٱىیة]/g, (letter) => LETTER_VARIANTS[letter]!)
    .normalize('NFC')
    .replace(/\p{Pd}/gu, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The stored search text of an event: every title it has, in every language, folded. */
export function searchTextOf(event: Pick<CalendarEvent, 'title'>): string {
  return Object.values(event.title ?? {})
    .map(foldForSearch)
    .join(BETWEEN_TITLES);
}

/** The terms of a query, each folded; an event matches when its search text contains every one. */
export function searchTerms(query: string): string[] {
  return [...new Set(foldForSearch(query).split(' ').filter(Boolean))];
}

/** Whether a stored (or freshly computed) search text holds every term. */
export const matchesTerms = (text: string, terms: readonly string[]): boolean => terms.every((term) => text.includes(term));
