/** Table layouts, shared by the CDK stack and the local runtime so both create the same keys and indexes. */

export interface TableLayout {
  partitionKey: { name: string; type: 'S' | 'N' };
  sortKey?: { name: string; type: 'S' | 'N' };
  /** projection: what the index copies, beside the keys (an array is INCLUDE); ALL when left out. */
  indexes: { name: string; partitionKey: string; sortKey: string; projection?: 'ALL' | 'KEYS_ONLY' | readonly string[] }[];
  stream: boolean;
  timeToLive?: string;
}

export const tableLayouts = {
  journal: { partitionKey: { name: 'streamId', type: 'S' }, sortKey: { name: 'version', type: 'N' }, indexes: [], stream: true },
  views: {
    partitionKey: { name: 'pk', type: 'S' },
    indexes: [
      { name: 'byEntity', partitionKey: 'entity', sortKey: 'sortKey' },
      { name: 'byCalendar', partitionKey: 'calendar', sortKey: 'sortKey' },
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
