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
  journal: { partitionKey: { name: 'streamId', type: 'S' }, sortKey: { name: 'version', type: 'N' }, indexes: [], stream: true },
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
  },
  idempotency: { partitionKey: { name: 'pk', type: 'S' }, indexes: [], stream: false, timeToLive: 'expiresAt' },
  // Webhook deliveries: one item per (subscription, message); pending ones are in byDue, sorted by when they are due.
  deliveries: {
    partitionKey: { name: 'webhookId', type: 'S' },
    sortKey: { name: 'id', type: 'S' },
    indexes: [{ name: 'byDue', partitionKey: 'due', sortKey: 'dueAt' }],
    stream: false,
  },
  secrets: { partitionKey: { name: 'pk', type: 'S' }, indexes: [], stream: false },
} satisfies Record<'journal' | 'views' | 'idempotency' | 'deliveries' | 'secrets', TableLayout>;
