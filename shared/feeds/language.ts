/** Choosing one language from localized text, for a feed that can carry only one. */
import type { LocalizedText } from '#domain/changes';

const primary = (tag: string) => tag.toLowerCase().split('-')[0]!;

/** The text in the first preferred language that has one (exact tag, then same primary language), else any. */
export function pickText(texts: LocalizedText | undefined, preferred: string[]): { language: string; text: string } | undefined {
  if (!texts) return undefined;
  const languages = Object.keys(texts).sort();
  if (languages.length === 0) return undefined;
  for (const wanted of preferred) {
    const exact = languages.find((language) => language.toLowerCase() === wanted.toLowerCase());
    const related = exact ?? languages.find((language) => primary(language) === primary(wanted));
    if (related) return { language: related, text: texts[related]! };
  }
  return { language: languages[0]!, text: texts[languages[0]!]! };
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

export function countryName(code: string, language: string): string {
  try {
    return new Intl.DisplayNames([language, 'en'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}
