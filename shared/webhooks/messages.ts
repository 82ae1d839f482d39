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
    data: { event, change: { id: change.id, type: change.type, version: change.version, at: change.at, actor: change.actor } },
  };
}

export function testMessage(webhookId: string, at: Date): WebhookMessage {
  return { type: 'webhook.test', timestamp: at.toISOString(), data: { webhook: { id: webhookId }, message: 'This is a test message from Taqweem.' } };
}
