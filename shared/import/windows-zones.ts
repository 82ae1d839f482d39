/**
 * Windows time zone names (Outlook and Exchange write TZID:Arab Standard Time) to IANA names, from CLDR's
 * own windowsZones mapping as the Unicode Consortium publishes it in the cldr-core package: the "001"
 * (golden) zone of each Windows name. Nothing typed by hand, so a CLDR release updates it. Chosen over
 * `windows-iana` (a third party's table derived from the same file): the source itself, from its publisher.
 * Only the import bundles it (89 KB of JSON).
 */
import windowsZones from 'cldr-core/supplemental/windowsZones.json' with { type: 'json' };
import { isIanaTimeZone } from '#domain/time';

interface MapZone {
  mapZone: { _other: string; _type: string; _territory: string };
}

const golden = new Map<string, string>();
for (const { mapZone } of windowsZones.supplemental.windowsZones.mapTimezones as MapZone[]) {
  if (mapZone._territory === '001') golden.set(mapZone._other.toLowerCase(), mapZone._type.split(' ')[0]!);
}

/** The CLDR version the mapping comes from, for reports. */
export const CLDR_VERSION = windowsZones.supplemental.version._cldrVersion;

/** The IANA zone for a Windows zone name ("Arab Standard Time" → "Asia/Riyadh"), or undefined. */
export function ianaForWindowsZone(name: string): string | undefined {
  return golden.get(name.trim().toLowerCase());
}

/**
 * An iCalendar TZID as an IANA zone this runtime knows: an IANA name as is, a Windows name through CLDR,
 * and the "/mozilla.org/…/Europe/London" style some exporters prefix. Undefined when none fits.
 */
export function resolveTzid(tzid: string): string | undefined {
  const trimmed = tzid.trim().replace(/^"|"$/g, '');
  if (isIanaTimeZone(trimmed)) return trimmed;
  const windows = ianaForWindowsZone(trimmed);
  if (windows && isIanaTimeZone(windows)) return windows;
  const suffix = /([A-Za-z]+\/[A-Za-z_+-]+(?:\/[A-Za-z_+-]+)?)$/.exec(trimmed)?.[1];
  return suffix && isIanaTimeZone(suffix) ? suffix : undefined;
}
