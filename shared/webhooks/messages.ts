/** What partners receive: the change, and the event as it stood right after it. */
import type { Recorded } from '#domain/changes';

export interface WebhookMessage {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export const messageId = (changeId: string): string => `msg_${changeId}`;

export function changeMessage(change: Recorded, event: Record<string, unknown>): WebhookMessage {
  return {
    type: change.type,
    timestamp: change.at,
    data: { event, change: { id: change.id, type: change.type, version: change.version, at: change.at, actor: change.actor }, ...subjectOf(change, event) },
  };
}

// recur (#14): a message says whether the series changed, or one occurrence of it (with its recurrence id).
function subjectOf(change: Recorded, event: Record<string, unknown>): Record<string, unknown> {
  const recurrence = (event.schedule as { recurrence?: unknown } | undefined)?.recurrence;
  if (!change.type.startsWith('occurrence.')) return { subject: recurrence ? 'series' : 'event' };
  const { recurrenceId } = change.data as { recurrenceId: string };
  const override = ((event.overrides ?? []) as { recurrenceId: string; cancelled?: boolean; schedule?: unknown; fields?: unknown }[]).find((o) => o.recurrenceId === recurrenceId);
  const occurrence = {
    seriesId: event.id,
    recurrenceId,
    status: override?.cancelled ? 'cancelled' : event.status,
    ...(override?.schedule ? { schedule: override.schedule } : {}),
    ...(override?.fields ? { fields: override.fields } : {}),
  };
  return { subject: 'occurrence', occurrence };
}
// --- end recur

export function testMessage(webhookId: string, at: Date): WebhookMessage {
  return { type: 'webhook.test', timestamp: at.toISOString(), data: { webhook: { id: webhookId }, message: 'This is a test message from Taqweem.' } };
}
