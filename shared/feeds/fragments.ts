/**
 * Pre-rendered feed fragments. The projector renders each event's VEVENT in parts when the event changes
 * (every SUMMARY, DESCRIPTION and LOCATION it can show, the public and the private tail) and keeps them on the
 * event's view item; a feed request chooses the parts for its language and joins them, without rendering.
 *
 * What a VEVENT depends on beyond the event: the requested language and the calendar's default language (the
 * fallback chain [language, default, en] of each localized field) and the requested language again (the country
 * name). Both are resolved at request time from the stored language lists, so a change of the calendar's
 * default language needs no re-rendering. Country names are pre-rendered in every language the event's texts
 * use; any other language renders that one line at request time.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { seriesOf, type CalendarEvent } from '#domain/event';
import { utcRange } from '#domain/schedule';
import { pickLanguage } from './language.ts';
import { eventLanguages, veventParts } from './render.ts';
import { seriesEnd, seriesZoneYears, veventSources, type VeventSource } from './series.ts';

/**
 * Bumped whenever rendering changes. Fragments carry the version they were rendered with; a feed renders older
 * ones again from their event (correct at once, at the old cost) until `npm run rebuild-views` re-renders them
 * all. ETags include it, so no cache outlives the bytes it stands for.
 */
// 4: a Hijri series' fragment records its RDATE horizon year (`hy`).
export const RENDERING_VERSION = 4;

/** The index a feed reads (infra/tables.ts): partition per calendar and visibility, sorted by end. */
export const FEED_INDEX = 'byFeed';

/** Fragments larger than this are stored gzipped (DynamoDB items stop at 400 KB; descriptions can be long). */
const INLINE_LIMIT = 64 * 1024;

/** One VEVENT's parts, chosen per language at request time. */
export interface VeventFragment {
  /** Sorted languages of the title, description and location name. */
  ls: [string[], string[], string[]];
  h: string;
  su: Record<string, string>;
  de: Record<string, string>;
  /** LOCATION lines by "name language|country language" (or name language alone when there is no country). */
  lo: Record<string, string>;
  /** The location, kept when it has a country: its line in a language not pre-rendered is rendered on request. */
  loc?: CalendarEvent['location'];
  p: string;
  /** The private tail, when it differs from the public one. */
  q?: string;
}

/** One event's feed fragment, as stored (short names: this is repeated on every event item). */
export interface FeedFragment extends VeventFragment {
  /** RENDERING_VERSION it was rendered with. */
  r: number;
  /** Start (UTC): feeds are ordered by start, then id. */
  s: string;
  id: string;
  /** Zone and years of a timed event's wall times, for its VTIMEZONE (a series' last year may be ENDLESS_YEAR). */
  z?: [string, number, number];
  /** rfeeds (#14): further zones a series' changed occurrences use. */
  zx?: [string, number, number][];
  /** Tags, tentative (tentative or month-only), and when it was cancelled: the feed's filters. */
  g: string[];
  t: boolean;
  c?: string;
  /** rfeeds (#14): a series' changed occurrences, each its own VEVENT after the master (this fragment's own parts). */
  o?: VeventFragment[];
  /**
   * A Hijri series' RDATE horizon: the UTC year its explicit dates start at. A feed requested in a later year renders
   * the fragment again from its event, so the 10 years of dates move with the clock without an edit (feed.ts).
   */
  hy?: number;
}

const NO_NAME = '-';

function locationKey(nameLanguage: string | undefined, countryLanguage?: string): string {
  return countryLanguage === undefined ? (nameLanguage ?? NO_NAME) : `${nameLanguage ?? NO_NAME}|${countryLanguage}`;
}

/** Renders every part of one VEVENT that some feed may show. */
function renderVevent({ event, ...source }: VeventSource): VeventFragment {
  const ls = eventLanguages(event);
  const lo: Record<string, string> = {};
  const country = event.location?.country;
  const nameLanguages: (string | undefined)[] = ls.locationName.length > 0 ? ls.locationName : [undefined];
  if (event.location) {
    const countryLanguages = [...new Set([...ls.title, ...ls.description, ...ls.locationName, 'en'])];
    for (const name of nameLanguages) {
      if (!country) lo[locationKey(name)] = veventParts.location(event, name, 'en');
      else for (const language of countryLanguages) lo[locationKey(name, language)] = veventParts.location(event, name, language);
    }
  }
  const p = veventParts.tail(event, false);
  const q = veventParts.tail(event, true);
  return {
    ls: [ls.title, ls.description, ls.locationName],
    h: veventParts.head(event, source),
    su: Object.fromEntries(ls.title.map((language) => [language, veventParts.summary(event, language)])),
    de: Object.fromEntries(ls.description.map((language) => [language, veventParts.description(event, language)])),
    lo,
    ...(country ? { loc: event.location } : {}),
    p,
    ...(q !== p ? { q } : {}),
  };
}

/**
 * Renders every part of an event's VEVENTs that some feed may show: a series' master and its changed occurrences
 * (series.ts). `now` bounds what an endless Hijri series writes (RDATEs from its year, for 10 years).
 */
export function renderFragment(event: CalendarEvent, now = new Date()): FeedFragment {
  const [main, ...overrides] = veventSources(event, now);
  const [zone, ...zones] = seriesZoneYears(event, now);
  const { ls, h, su, de, lo, loc, p, q } = renderVevent(main!);
  return {
    r: RENDERING_VERSION,
    s: utcRange(event.schedule).start,
    id: event.id,
    ...(zone ? { z: zone } : {}),
    ...(zones.length > 0 ? { zx: zones } : {}),
    g: event.tags,
    t: event.status === 'tentative' || event.schedule.type === 'month',
    ...(event.status === 'cancelled' ? { c: event.cancelledAt ?? event.updatedAt } : {}),
    ...(seriesOf(event)?.recurrence.rule.rscale === 'ISLAMIC-UMALQURA' ? { hy: now.getUTCFullYear() } : {}),
    ls,
    h,
    su,
    de,
    lo,
    ...(loc ? { loc } : {}),
    p,
    ...(q !== undefined ? { q } : {}),
    ...(overrides.length > 0 ? { o: overrides.map(renderVevent) } : {}),
  };
}

/** A fragment as stored: its JSON in one string attribute (`feed`), or gzipped (`feedZ`); a map `feed` was written before. */
export interface StoredFragment {
  feed?: string | FeedFragment;
  feedZ?: Uint8Array;
}

/**
 * The attributes an event's view item carries for feeds: the byFeed index keys and the fragment. The fragment
 * is one JSON string, not a map: a feed reads thousands of them, and as a map of some thirty attributes each
 * was marshalled by the store and unmarshalled by the SDK attribute by attribute (about half the Query's time).
 */
export function feedItemAttributes(event: CalendarEvent): { feedPartition: string; feedEnd: string } & StoredFragment {
  const json = JSON.stringify(renderFragment(event));
  // A series stays in a feed's window while any occurrence can be (series.ts: its last end, or ENDLESS).
  const keys = { feedPartition: `${event.calendar}#${event.visibility}`, feedEnd: `${seriesEnd(event)}#${event.id}` };
  return Buffer.byteLength(json) <= INLINE_LIMIT ? { ...keys, feed: json } : { ...keys, feedZ: new Uint8Array(gzipSync(json)) };
}

/** A fragment as read back from the index. */
export function fragmentOf(item: StoredFragment): FeedFragment | undefined {
  if (typeof item.feed === 'string') return JSON.parse(item.feed) as FeedFragment;
  if (item.feed) return item.feed;
  return item.feedZ ? (JSON.parse(gunzipSync(item.feedZ).toString('utf8')) as FeedFragment) : undefined;
}

/** What a feed's entries depend on besides the fragment: its language, its calendar's default, and public or private. */
export interface FeedVariant {
  language: string;
  defaultLanguage: string;
  withPrivateDetails: boolean;
}

/**
 * A fragment chosen for one feed variant (`v`, its VEVENTs as UTF-8 bytes), with what a feed filters and orders it
 * by. Bytes, not a string: a packed segment's entries are slices of its gunzipped bytes, never decoded (decoding
 * megabytes of non-ASCII text was most of a cold read), and a feed's body is bytes anyway.
 */
export type FeedEntry = Pick<FeedFragment, 's' | 'id' | 'g' | 't' | 'c' | 'z' | 'zx'> & { v: Buffer };

/** A fragment's entry in feeds of this variant. */
export function feedEntry(fragment: FeedFragment, { language, defaultLanguage, withPrivateDetails }: FeedVariant): FeedEntry {
  const { s, id, g, t, c, z, zx } = fragment;
  return {
    s,
    id,
    g,
    t,
    ...(c === undefined ? {} : { c }),
    ...(z === undefined ? {} : { z }),
    ...(zx === undefined ? {} : { zx }),
    v: Buffer.from(assembleFragment(fragment, language, defaultLanguage, withPrivateDetails), 'utf8'),
  };
}

/** Chooses one fragment's parts (a series' master and changed occurrences) for a feed in `language` of a calendar whose default is `defaultLanguage`. */
export function assembleFragment(fragment: FeedFragment, language: string, defaultLanguage: string, withPrivateDetails: boolean): string {
  const main = assembleVevent(fragment, language, defaultLanguage, withPrivateDetails);
  return fragment.o ? main + fragment.o.map((part) => assembleVevent(part, language, defaultLanguage, withPrivateDetails)).join('') : main;
}

function assembleVevent(fragment: VeventFragment, language: string, defaultLanguage: string, withPrivateDetails: boolean): string {
  const preferred = [language, defaultLanguage, 'en'];
  const [titles, descriptions, names] = fragment.ls;
  const description = pickLanguage(descriptions, preferred);
  const name = pickLanguage(names, preferred);
  let location = '';
  if (fragment.loc) location = fragment.lo[locationKey(name, language)] ?? veventParts.location({ location: fragment.loc } as CalendarEvent, name, language);
  else if (Object.keys(fragment.lo).length > 0) location = fragment.lo[locationKey(name)]!;
  return fragment.h + fragment.su[pickLanguage(titles, preferred)!]! + (description === undefined ? '' : fragment.de[description]!) + location + (withPrivateDetails ? (fragment.q ?? fragment.p) : fragment.p);
}
