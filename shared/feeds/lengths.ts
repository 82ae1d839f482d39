/**
 * Byte lengths of feeds this process has assembled, by ETag, so that a HEAD can say the GET's Content-Length
 * without assembling the feed again. Bounded: the oldest entries go first.
 */
const LIMIT = 1000;

class FeedLengths {
  private readonly lengths = new Map<string, number>();

  get(etag: string): number | undefined {
    return this.lengths.get(etag);
  }

  /** Records the length of these chunks (bytes) under `etag`, and returns it. */
  remember(etag: string, chunks: readonly Uint8Array[]): number {
    let length = 0;
    for (const chunk of chunks) length += chunk.length;
    this.lengths.delete(etag);
    this.lengths.set(etag, length);
    if (this.lengths.size > LIMIT) this.lengths.delete(this.lengths.keys().next().value!);
    return length;
  }
}

/** The process's feed lengths (per Lambda container). */
export const feedLengths = new FeedLengths();
