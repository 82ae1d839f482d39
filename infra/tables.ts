/** Table layouts, shared by the CDK stack and the local runtime so both create the same keys and indexes. */

export interface TableLayout {
  partitionKey: { name: string; type: 'S' | 'N' };
  sortKey?: { name: string; type: 'S' | 'N' };
  indexes: { name: string; partitionKey: string; sortKey: string }[];
  stream: boolean;
  timeToLive?: string;
}

export const tableLayouts = {
  // webhooks: byTime (sparse: event commits from the release that added it) finds changes by time for replay jobs.
  journal: { partitionKey: { name: 'streamId', type: 'S' }, sortKey: { name: 'version', type: 'N' }, indexes: [{ name: 'byTime', partitionKey: 'changedOn', sortKey: 'changedAt' }], stream: true },
  views: {
    partitionKey: { name: 'pk', type: 'S' },
    indexes: [
      { name: 'byEntity', partitionKey: 'entity', sortKey: 'sortKey' },
      { name: 'byCalendar', partitionKey: 'calendar', sortKey: 'sortKey' },
    ],
    stream: false,
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
      { name: 'byLaneDue', partitionKey: 'laneDue', sortKey: 'laneDueAt' },
    ],
    stream: false,
    timeToLive: 'expiresAt',
  },
  secrets: { partitionKey: { name: 'pk', type: 'S' }, indexes: [], stream: false },
} satisfies Record<'journal' | 'views' | 'idempotency' | 'deliveries' | 'secrets', TableLayout>;
