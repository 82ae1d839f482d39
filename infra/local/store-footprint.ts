/**
 * What dynalite's in-memory store holds, for the memory bench and its test: the bytes of its keys and values,
 * and the backing memory those bytes keep alive. The two must be equal: see patches/dynalite+4.0.0.patch.
 */
import { createRequire } from 'node:module';

type Entries = AsyncIterable<[Uint8Array, Uint8Array]>;
interface MemoryStore {
  status: string;
  iterator(options: { keyEncoding: 'view'; valueEncoding: 'view' }): Entries;
}

export interface StoreFootprint {
  entries: number;
  /** Keys and values, as stored. */
  bytes: number;
  /** The ArrayBuffers those keys and values live in (a pooled slice keeps its whole pool slab alive). */
  backingBytes: number;
}

const stores = new Set<MemoryStore>();
let tracking = false;

/** Starts noting every in-memory dynalite store (from its first write); returns the measure of all of them. */
export function trackInMemoryStores(): () => Promise<StoreFootprint> {
  if (!tracking) {
    tracking = true;
    const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
    const prototype = (fromDynalite('memory-level') as { MemoryLevel: { prototype: Record<string, (...args: unknown[]) => unknown> } }).MemoryLevel.prototype;
    for (const method of ['_put', '_batch']) {
      const original = prototype[method]!;
      prototype[method] = function (this: MemoryStore, ...args: unknown[]) {
        stores.add(this);
        return original.apply(this, args);
      };
    }
  }
  return measure;
}

async function measure(): Promise<StoreFootprint> {
  const footprint = { entries: 0, bytes: 0, backingBytes: 0 };
  const backing = new Set<ArrayBufferLike>();
  for (const store of stores) {
    if (store.status !== 'open') {
      stores.delete(store);
      continue;
    }
    for await (const [key, value] of store.iterator({ keyEncoding: 'view', valueEncoding: 'view' })) {
      footprint.entries++;
      footprint.bytes += key.byteLength + value.byteLength;
      backing.add(key.buffer).add(value.buffer);
    }
  }
  for (const buffer of backing) footprint.backingBytes += buffer.byteLength;
  return footprint;
}
