/** Choosing one language from localized text, for a feed that can carry only one. */
import type { LocalizedText } from '#domain/changes';

const primary = (tag: string) => tag.toLowerCase().split('-')[0]!;

/** The text in the first preferred language that has one (exact tag, then same primary language), else any. */
export function pickText(texts: LocalizedText | undefined, preferred: string[]): { language: string; text: string } | undefined {
  if (!texts) return undefined;
  const language = pickLanguage(Object.keys(texts).sort(), preferred);
  return language === undefined ? undefined : { language, text: texts[language]! };
}

/** pickText's choice made on the language tags alone (`languages` sorted), so pre-rendered lines can be chosen by it. */
export function pickLanguage(languages: readonly string[], preferred: readonly string[]): string | undefined {
  if (languages.length === 0) return undefined;
  for (const wanted of preferred) {
    const exact = languages.find((language) => language.toLowerCase() === wanted.toLowerCase());
    const related = exact ?? languages.find((language) => primary(language) === primary(wanted));
    if (related) return related;
  }
  return languages[0]!;
}

const TO_BE_CONFIRMED: Record<string, string> = {
  ar: '(التاريخ يُحدَّد لاحقاً)',
  en: '(date to be confirmed)',
  zh: '（日期待定）',
  fr: '(date à confirmer)',
};

/** The "date to be confirmed" marker of month-only events, in the summary's own language. */
export function toBeConfirmed(language: string): string {
  return TO_BE_CONFIRMED[primary(language)] ?? TO_BE_CONFIRMED.en!;
}

const regionNames = new Map<string, Intl.DisplayNames | undefined>();

/** A region's name in `language` (English when ICU has none); one Intl.DisplayNames per language, kept. */
export function countryName(code: string, language: string): string {
  if (!regionNames.has(language)) {
    // Languages come from request URLs: keep the cache bounded.
    if (regionNames.size >= 256) regionNames.clear();
    try {
      regionNames.set(language, new Intl.DisplayNames([language, 'en'], { type: 'region' }));
    } catch {
      regionNames.set(language, undefined);
    }
  }
  try {
    return regionNames.get(language)?.of(code) ?? code;
  } catch {
    return code;
  }
}
