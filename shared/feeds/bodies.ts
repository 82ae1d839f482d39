/**
 * Feed bodies this container has served, by strong ETag (decision 0010): the ETag names every input of the
 * bytes (rendering version, tz data, calendar version, feed revision, language, filters, window, day), so a
 * body stored under it is the body any later request with that ETag would assemble. A hit costs the one
 * GetItem the ETag needs; the first request after a change reads the fragments as before. CloudFront caches
 * public feeds already; token feeds bypass it, and this is what they get. Bounded by bytes, least recently
 * used first out.
 */
const MIB = 1024 * 1024;

export class FeedBodies {
  private readonly bodies = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly budget: () => number) {}

  /** The body stored under `etag`, if any (and marks it recently used). */
  get(etag: string): Buffer | undefined {
    if (this.budget() <= 0) return undefined;
    const body = this.bodies.get(etag);
    if (body) {
      this.bodies.delete(etag);
      this.bodies.set(etag, body);
    }
    return body;
  }

  /** Stores the body of these `length` bytes of chunks under `etag` and returns it; undefined (not kept) above a quarter of the budget. */
  remember(etag: string, chunks: readonly Uint8Array[], length: number): Buffer | undefined {
    const budget = this.budget();
    if (length > budget / 4) return undefined;
    const body = Buffer.concat(chunks, length);
    this.forget(etag);
    this.bodies.set(etag, body);
    this.bytes += body.length;
    for (const [oldest, stored] of this.bodies) {
      if (this.bytes <= budget) break;
      this.bodies.delete(oldest);
      this.bytes -= stored.length;
    }
    return body;
  }

  private forget(etag: string): void {
    const stored = this.bodies.get(etag);
    if (stored) this.bytes -= stored.length;
    this.bodies.delete(etag);
  }
}

/** The process's feed bodies (per Lambda container): FEED_CACHE_MB (default 64; 0 turns it off). */
export const feedBodies = new FeedBodies(() => Number(process.env.FEED_CACHE_MB ?? 64) * MIB);
