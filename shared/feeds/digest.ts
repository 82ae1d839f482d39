/**
 * The per-calendar feed revision, kept on the calendar's view item so that a feed's ETag is one small read.
 * Every projected change of one of the calendar's events sets a new random revision; a projected change of the
 * calendar itself writes a new item with a new one. Random, not counted: a rebuilt views table can never
 * reissue an earlier revision for different data.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#journal/conditions';
import { streams } from '#domain/changes';
import type { CalendarEvent } from '#domain/event';

export interface FeedRevision {
  /** Changes whenever a feed of the calendar could. */
  feedRevision?: string;
  /** The last projected event change (its change time): with the calendar's own, the feed's Last-Modified. */
  feedChangedAt?: string;
  /** When the revision was set (the projector's clock): a feed waits for the index to settle after it. */
  feedRevisedAt?: number;
}

/** The feed attributes of a calendar's view item, written with it. */
export function calendarFeedAttributes(): FeedRevision {
  return { feedRevision: randomUUID(), feedRevisedAt: Date.now() };
}

/** After an event's view is written: its calendar's feeds may have changed. Not an error if the calendar's view is not there yet. */
export async function touchFeedRevision(client: DynamoDBDocumentClient, viewsTable: string, event: CalendarEvent): Promise<void> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: viewsTable,
        Key: { pk: streams.calendar(event.calendar) },
        UpdateExpression: 'SET feedRevision = :revision, feedChangedAt = :changedAt, feedRevisedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':revision': randomUUID(), ':changedAt': event.updatedAt, ':now': Date.now() },
      }),
    );
  } catch (error) {
    // The calendar's own view is written later with a fresh revision of its own.
    if (!isConditionFailure(error)) throw error;
  }
}
