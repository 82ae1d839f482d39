/**
 * Windows time zone names (Outlook and Exchange write TZID:Arab Standard Time) to IANA names, from CLDR's
 * own windowsZones mapping as the Unicode Consortium publishes it in the cldr-core package: the "001"
 * (golden) zone of each Windows name. Nothing typed by hand, so a CLDR release updates it. Chosen over
 * `windows-iana` (a third party's table derived from the same file): the source itself, from its publisher.
 * The bundle carries only the golden zones (windows-zones-data.ts, generated from cldr-core by
 * infra/build-windows-zones.ts; a test checks the two agree): ~6 KiB, not the whole file's ~43 (0007).
 */
import { isIanaTimeZone } from '#domain/time';
import { CLDR_VERSION, GOLDEN_WINDOWS_ZONES } from './windows-zones-data.ts';

const golden = new Map(Object.entries(GOLDEN_WINDOWS_ZONES).map(([windows, iana]) => [windows.toLowerCase(), iana]));

/** The CLDR version the mapping comes from, for reports. */
export { CLDR_VERSION };

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
