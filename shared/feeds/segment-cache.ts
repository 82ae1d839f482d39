/**
 * Decoded segments this container has read or packed, by segment key (decision 0010, fifth session). A segment's
 * key names its partition, period, the period's revision, RENDERING_VERSION, the packing format and the variant,
 * and a stored segment is never rewritten: the entries decoded under a key are what any later read of that key
 * would decode, until the segment expires. So a container that served a calendar's feed reads, after a change, only
 * the directory and the period the change touched. Bounded by the bytes the entries hold, least recently used first
 * out: FEED_CACHE_MB (as the bodies, bodies.ts; 0 turns both off).
 */
import type { Packed } from './segment-parts.ts';

const MIB = 1024 * 1024;

interface Decoded {
  entries: readonly Packed[];
  bytes: number;
  /** As the stored segment's `expiresAt` (epoch seconds): an expired segment is not read from here either. */
  expiresAt: number;
}

export class DecodedSegments {
  private readonly segments = new Map<string, Decoded>();
  private bytes = 0;

  constructor(private readonly budget: () => number) {}

  /** The entries under `key`, unless absent or expired at `nowSeconds` (and marks them recently used). */
  get(key: string, nowSeconds: number): readonly Packed[] | undefined {
    if (this.budget() <= 0) return undefined;
    const found = this.segments.get(key);
    if (!found) return undefined;
    this.forget(key);
    if (found.expiresAt <= nowSeconds) return undefined;
    this.segments.set(key, found);
    this.bytes += found.bytes;
    return found.entries;
  }

  /** Keeps the entries of the segment under `key` (`bytes`: what they hold); not above a quarter of the budget. */
  remember(key: string, entries: readonly Packed[], bytes: number, expiresAt: number): void {
    const budget = this.budget();
    if (budget <= 0 || bytes > budget / 4) return;
    this.forget(key);
    this.segments.set(key, { entries, bytes, expiresAt });
    this.bytes += bytes;
    for (const [oldest, stored] of this.segments) {
      if (this.bytes <= budget) break;
      this.segments.delete(oldest);
      this.bytes -= stored.bytes;
    }
  }

  private forget(key: string): void {
    const stored = this.segments.get(key);
    if (stored) this.bytes -= stored.bytes;
    this.segments.delete(key);
  }
}

/** What an entry costs beyond its VEVENT bytes (its filter and order fields, as objects). */
const ENTRY_OVERHEAD_BYTES = 400;

/** The bytes a segment's decoded entries hold, for the budget. */
export const heldBytes = (entries: readonly Packed[]): number => entries.reduce((sum, [, , entry]) => sum + entry.v.length + ENTRY_OVERHEAD_BYTES, 0);

/** The process's decoded segments (per Lambda container): FEED_CACHE_MB (default 64; 0 turns it off). */
export const decodedSegments = new DecodedSegments(() => Number(process.env.FEED_CACHE_MB ?? 64) * MIB);
