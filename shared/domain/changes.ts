/**
 * Every change the journal can hold. A change is an immutable fact; `data` carries what the fact needs and
 * nothing derivable. `schemaVersion` is bumped (with an upcaster in evolve) if a change's data ever changes shape.
 */
import type { Recurrence } from './recurrence.ts';
import type { ApiKeyRole, CalendarInput, EventFields, Schedule } from './schemas.ts';

export const CHANGE_SCHEMA_VERSION = 1;

export type LocalizedText = Record<string, string>;
export type ParticipantRole = 'chair' | 'required' | 'optional';
export type ParticipantStatus = 'invited' | 'accepted' | 'declined' | 'tentative';

export interface Participant {
  id: string;
  name: string;
  organization?: string;
  email?: string;
  role: ParticipantRole;
  status: ParticipantStatus;
}

export interface EventCreatedData extends Omit<EventFields, 'kind' | 'visibility' | 'status' | 'tags'> {
  calendar: string;
  /** recur (#14): the series this one continues ("this and following" from that recurrence id). */
  splitFrom?: { series: string; recurrenceId: string };
  kind: NonNullable<EventFields['kind']>;
  visibility: NonNullable<EventFields['visibility']>;
  status: NonNullable<EventFields['status']>;
  tags: string[];
  /** import (#14): the iCalendar UID the event was imported with; feeds keep it as the event's UID. */
  uid?: string;
}

/** Fields an event.updated sets; null means the field was removed. */
export type EventUpdatedData = { [K in Exclude<keyof EventFields, 'schedule'>]?: EventFields[K] | null };

export type EventChange =
  | { type: 'event.created'; data: EventCreatedData }
  | { type: 'event.updated'; data: EventUpdatedData }
  | { type: 'event.rescheduled'; data: { schedule: Schedule; previous: Schedule } }
  | { type: 'event.confirmed'; data: Record<string, never> }
  | { type: 'event.cancelled'; data: { reason?: string } }
  | { type: 'participant.invited'; data: { participant: Participant } }
  | { type: 'participant.responded'; data: { participantId: string; status: ParticipantStatus } }
  | { type: 'participant.removed'; data: { participantId: string } }
  // recur (#14): one occurrence of a series changed on its own, keyed by its recurrence id (docs/decisions/0017).
  | { type: 'occurrence.rescheduled'; data: { recurrenceId: string; schedule: Schedule; previous: Schedule } }
  | { type: 'occurrence.updated'; data: { recurrenceId: string; fields: OccurrenceFields } }
  | { type: 'occurrence.cancelled'; data: { recurrenceId: string; reason?: string } }
  | { type: 'occurrence.restored'; data: { recurrenceId: string } }
  /** "This and following" from `recurrenceId`: the series now ends before it (`recurrence` is its new recurrence) and continues as `splitTo`. */
  | { type: 'event.series.ended'; data: { recurrenceId: string; recurrence: Recurrence; previous: Recurrence; splitTo: string } };

/** What one occurrence may say differently from its series; null: as the series says again. */
export type OccurrenceFields = { [K in OccurrenceField]?: EventFields[K] | null };
export const occurrenceFields = ['title', 'description', 'location', 'url'] as const;
export type OccurrenceField = (typeof occurrenceFields)[number];

export type CalendarChange = { type: 'calendar.created'; data: CalendarInput } | { type: 'calendar.updated'; data: CalendarInput };

export type KeyChange = { type: 'key.created'; data: { name: string; role: ApiKeyRole; secretHash: string } } | { type: 'key.revoked'; data: Record<string, never> };

export type FeedTokenChange = { type: 'feedToken.created'; data: { calendar: string; label: string; secretHash: string } } | { type: 'feedToken.revoked'; data: Record<string, never> };

export interface WebhookOwner {
  keyId: string;
  role: ApiKeyRole;
}

export interface WebhookSettings {
  url: string;
  types: string[];
  calendars?: string[];
  description?: string;
}

/** Standard Webhooks signature schemes: `v1` HMAC-SHA256 with a shared secret, `v1a` ed25519 (the partner holds only the public key). */
export type SignatureScheme = 'v1' | 'v1a';

/** How a subscription's messages are signed; the public key (`whpk_…`) is recorded for `v1a` only (it is no secret). Absent: `v1`. */
export interface WebhookSigning {
  signature?: SignatureScheme;
  publicKey?: string;
}

export type WebhookChange =
  | { type: 'webhook.created'; data: WebhookSettings & WebhookSigning & { owner: WebhookOwner } }
  | { type: 'webhook.updated'; data: { [K in keyof WebhookSettings]?: WebhookSettings[K] | null } & { disabled?: boolean } }
  | { type: 'webhook.secretRotated'; data: { previousValidUntil: string; publicKey?: string } }
  | { type: 'webhook.disabled'; data: { reason: string } }
  | { type: 'webhook.deleted'; data: Record<string, never> };

export type Change = EventChange | CalendarChange | KeyChange | FeedTokenChange | WebhookChange;

/** A change as the journal recorded it. */
export type Recorded<C extends Change = Change> = C & {
  id: string;
  commitId: string;
  streamId: string;
  version: number;
  at: string;
  actor: string;
  schemaVersion: number;
};

/** Journal streams: one per event, calendar, API key and feed token. */
export const streams = {
  event: (id: string) => `event#${id}`,
  calendar: (id: string) => `calendar#${id}`,
  key: (id: string) => `key#${id}`,
  feedToken: (id: string) => `feed-token#${id}`,
  webhook: (id: string) => `webhook#${id}`,
};

export const streamKinds = ['event', 'calendar', 'key', 'feed-token', 'webhook'] as const;
export type StreamKind = (typeof streamKinds)[number];

export function streamKind(streamId: string): StreamKind {
  const kind = streamKinds.find((candidate) => streamId.startsWith(`${candidate}#`));
  if (!kind) throw new Error(`unknown stream ${streamId}`);
  return kind;
}
