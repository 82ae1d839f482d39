/** Table layouts, shared by the CDK stack and the local runtime so both create the same keys and indexes. */
import { ENTITY_ATTRIBUTES, INDEX, LISTED_ATTRIBUTES } from '#views/items';

export interface IndexLayout {
  name: string;
  partitionKey: string;
  sortKey: string;
  /** What the index copies besides the keys: an array means INCLUDE those attributes; absent means ALL. */
  projection?: 'ALL' | 'KEYS_ONLY' | readonly string[];
}

export interface TableLayout {
  partitionKey: { name: string; type: 'S' | 'N' };
  sortKey?: { name: string; type: 'S' | 'N' };
  indexes: IndexLayout[];
  stream: boolean;
  timeToLive?: string;
}

export const tableLayouts = {
  // webhooks: byTime (sparse: event commits from the release that added it) finds changes by time for replay jobs.
  journal: { partitionKey: { name: 'streamId', type: 'S' }, sortKey: { name: 'version', type: 'N' }, indexes: [{ name: 'byTime', partitionKey: 'changedOn', sortKey: 'changedAt' }], stream: true },
  views: {
    partitionKey: { name: 'pk', type: 'S' },
    // Each index copies only what its query reads (docs/decisions/0012-month-buckets.md), so attributes other
    // views add to event items (pre-rendered feed fragments) stay on the item alone.
    indexes: [
      { name: INDEX.byEntity, partitionKey: 'entity', sortKey: 'sortKey', projection: ENTITY_ATTRIBUTES },
      { name: INDEX.byCalendarMonth, partitionKey: 'calendarMonth', sortKey: 'sortKey', projection: LISTED_ATTRIBUTES },
      { name: INDEX.byMonth, partitionKey: 'month', sortKey: 'sortKey', projection: LISTED_ATTRIBUTES },
      // --- feeds (shared/feeds/fragments.ts): one partition per calendar and visibility, sorted by end, so a
      // feed's window is a key condition; only the pre-rendered parts are copied, never the event's document.
      { name: 'byFeed', partitionKey: 'feedPartition', sortKey: 'feedEnd', projection: ['feed', 'feedZ'] },
      // --- end feeds
    ],
    stream: false,
    // feeds: packed month segments (shared/feeds/segments.ts) expire; no other view item sets it.
    timeToLive: 'expiresAt',
  },
  idempotency: { partitionKey: { name: 'pk', type: 'S' }, indexes: [], stream: false, timeToLive: 'expiresAt' },
  // Webhook deliveries: one item per (subscription, message), and one lane item per subscription. Work is found
  // per endpoint: byLaneDue holds each lane with work due once (however long its backlog), byLane a lane's
  // pending deliveries by due time. Delivery items expire (TTL) after WEBHOOK_DELIVERY_TTL (30 days).
  deliveries: {
    partitionKey: { name: 'webhookId', type: 'S' },
    sortKey: { name: 'id', type: 'S' },
    indexes: [
      { name: 'byLane', partitionKey: 'webhookId', sortKey: 'dueAt' },
      { name: 'byLaneDue', partitionKey: 'laneDue', sortKey: 'laneDueAt', projection: 'KEYS_ONLY' },
    ],
    stream: false,
    timeToLive: 'expiresAt',
  },
  secrets: { partitionKey: { name: 'pk', type: 'S' }, indexes: [], stream: false },
} satisfies Record<'journal' | 'views' | 'idempotency' | 'deliveries' | 'secrets', TableLayout>;
