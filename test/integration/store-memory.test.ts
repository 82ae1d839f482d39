/** The in-memory store keeps only its data: no pooled slab held alive per item (patches/dynalite+4.0.0.patch). */
import { PutItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackInMemoryStores } from '../../infra/local/store-footprint.ts';
import { startTestStore } from '../helpers/store.ts';

const footprint = trackInMemoryStores();
let store: Awaited<ReturnType<typeof startTestStore>>;
beforeAll(async () => {
  store = await startTestStore();
});
afterAll(() => store.close());

describe('dynalite in memory', () => {
  it('keeps each stored item in memory of its own size, so a small item never holds a shared 8 KiB pool slab', async () => {
    // Prepare: small items, the size a view or journal item of a short event has, written and overwritten.
    const raw = new DynamoDBClient({ endpoint: store.store.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const before = await footprint();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 200; i++) {
        await raw.send(new PutItemCommand({ TableName: store.tables.views, Item: { pk: { S: `memory-test#${i}` }, note: { S: `round ${round}, قيمة ${i}` } } }));
      }
    }
    raw.destroy();

    // Act
    const after = await footprint();

    // Assess: 200 more entries, and the memory behind all entries is their bytes, nothing more.
    expect(after.entries - before.entries).toBe(200);
    expect(after.backingBytes).toBe(after.bytes);
  });
});
