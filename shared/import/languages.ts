/**
 * The language of a text a file gives without a LANGUAGE parameter (Google and Outlook exports never write one).
 * A text in the script of a language the event already uses (its title's, the calendar's default) is in that
 * language; otherwise the launch scripts name their usual language, so an English title imported into an Arabic
 * calendar is tagged `en`, not `ar`, and a feed in English shows it. A guess, and only by script: a Latin-script
 * text is English unless a Latin-script language is already in play.
 */

const SCRIPTS: { script: string; letters: RegExp; writes: readonly string[]; language: string }[] = [
  { script: 'Arab', letters: /\p{Script=Arabic}/gu, writes: ['Arab'], language: 'ar' },
  { script: 'Hani', letters: /\p{Script=Han}/gu, writes: ['Hans', 'Hant', 'Jpan', 'Kore'], language: 'zh' },
  { script: 'Latn', letters: /\p{Script=Latin}/gu, writes: ['Latn'], language: 'en' },
  { script: 'Cyrl', letters: /\p{Script=Cyrillic}/gu, writes: ['Cyrl'], language: 'ru' },
];

/** The script most of the text's letters are in, among those we know. */
function dominantScript(text: string): (typeof SCRIPTS)[number] | undefined {
  let best: (typeof SCRIPTS)[number] | undefined;
  let most = 0;
  for (const entry of SCRIPTS) {
    const count = text.match(entry.letters)?.length ?? 0;
    if (count > most) [best, most] = [entry, count];
  }
  return best;
}

function scriptOf(language: string): string | undefined {
  try {
    return new Intl.Locale(language).maximize().script;
  } catch {
    return undefined;
  }
}

/** A BCP 47 tag in canonical form, or undefined when it is not one. */
function canonicalLanguage(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/**
 * `explicit` (the LANGUAGE parameter) when the file gives a valid one; else the first of `inPlay` written in the
 * text's script; else the script's usual language; else `inPlay[0]`.
 */
export function languageOfText(text: string | undefined, explicit: string | undefined, inPlay: readonly string[]): string {
  const stated = explicit === undefined ? undefined : canonicalLanguage(explicit);
  if (stated) return stated;
  const script = text === undefined ? undefined : dominantScript(text);
  if (!script) return inPlay[0]!;
  const known = inPlay.find((language) => script.writes.includes(scriptOf(language) ?? ''));
  return known ?? script.language;
}
