/** The descriptive parts of an imported VEVENT: text, status, categories, class, organizer and attendees. */
import type ICAL from 'ical.js';
import type { ParticipantInput } from '#domain/schemas';

export interface DraftText {
  title?: string;
  /** The LANGUAGE parameter of SUMMARY, when the exporter wrote one. */
  language?: string;
  description?: string;
  /** DESCRIPTION's and LOCATION's own LANGUAGE parameters. */
  descriptionLanguage?: string;
  location?: string;
  locationLanguage?: string;
  url?: string;
  status?: 'tentative' | 'confirmed' | 'cancelled';
  tags?: string[];
  visibility?: 'public' | 'private';
}

const ROLES: Record<string, ParticipantInput['role']> = { CHAIR: 'chair', 'REQ-PARTICIPANT': 'required', 'OPT-PARTICIPANT': 'optional', 'NON-PARTICIPANT': 'optional' };
const STATUSES: Record<string, ParticipantInput['status']> = { ACCEPTED: 'accepted', DECLINED: 'declined', TENTATIVE: 'tentative' };

const text = (event: ICAL.Component, name: string): string | undefined => {
  const value = event.getFirstPropertyValue(name);
  const trimmed = value === null || value === undefined ? '' : String(value).trim();
  return trimmed === '' ? undefined : trimmed;
};

const emailOf = (address: unknown): string | undefined => {
  const match = /^mailto:(.+)$/i.exec(String(address ?? '').trim());
  return match ? decodeURIComponent(match[1]!) : undefined;
};

export function textFields(event: ICAL.Component): DraftText {
  const fields: DraftText = {};
  const set = <K extends keyof DraftText>(key: K, value: DraftText[K] | undefined) => {
    if (value !== undefined) fields[key] = value;
  };
  set('title', text(event, 'summary'));
  const languageOf = (name: string) => {
    const language = event.getFirstProperty(name)?.getParameter('language');
    return language === undefined ? undefined : String(language);
  };
  set('language', languageOf('summary'));
  set('description', text(event, 'description'));
  set('descriptionLanguage', languageOf('description'));
  set('location', text(event, 'location'));
  set('locationLanguage', languageOf('location'));
  set('url', text(event, 'url'));
  const status = text(event, 'status')?.toLowerCase();
  if (status === 'tentative' || status === 'confirmed' || status === 'cancelled') fields.status = status;
  const tags = event
    .getAllProperties('categories')
    .flatMap((p) => p.getValues().map((v) => String(v).trim()))
    .filter(Boolean);
  if (tags.length > 0) fields.tags = [...new Set(tags)];
  const klass = text(event, 'class')?.toUpperCase();
  if (klass) fields.visibility = klass === 'PUBLIC' ? 'public' : 'private';
  return fields;
}

export function organizerOf(event: ICAL.Component): { name: string; email?: string } | undefined {
  const property = event.getFirstProperty('organizer');
  if (!property) return undefined;
  const email = emailOf(property.getFirstValue());
  const name = String(property.getParameter('cn') ?? email ?? '').trim();
  if (!name) return undefined;
  return email ? { name, email } : { name };
}

export function attendeesOf(event: ICAL.Component): ParticipantInput[] {
  return event.getAllProperties('attendee').flatMap((property): ParticipantInput[] => {
    const email = emailOf(property.getFirstValue());
    const name = String(property.getParameter('cn') ?? email ?? '').trim();
    if (!name) return [];
    const role = ROLES[String(property.getParameter('role') ?? 'REQ-PARTICIPANT').toUpperCase()] ?? 'required';
    const status = STATUSES[String(property.getParameter('partstat') ?? '').toUpperCase()] ?? 'invited';
    return [email ? { name, email, role, status } : { name, role, status }];
  });
}
