/** Which event an iCalendar UID stands for in a calendar. */
import { createHash } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const OWN_UID = /^([0-9A-HJKMNP-TV-Z]{26})@taqweem$/;

/**
 * The id of the event a UID is imported as into a calendar: 26 Crockford base-32 characters (like every id)
 * of SHA-256(calendar, UID). Derived, so re-importing finds the event with one read and needs no lookup item;
 * unlike a ULID it carries no creation time.
 */
export function importedEventId(calendar: string, uid: string): string {
  const digest = createHash('sha256').update(`${calendar}\n${uid}`).digest();
  let id = '';
  for (let i = 0; i < 26; i++) id += CROCKFORD[digest[i]! % 32];
  return id;
}

/** The event id in a UID our feeds wrote (`<id>@taqweem`), or undefined. */
export function ownEventId(uid: string): string | undefined {
  return OWN_UID.exec(uid)?.[1];
}
