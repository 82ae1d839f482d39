/**
 * Packed period segments (decision 0010, fourth session): a period's fragments (about a week's, periods.ts) of one feed partition, chosen for one
 * feed variant (language, calendar default language, public or private: what `assembleFragment` depends on) and
 * packed into gzipped JSON (in parts under a byte cap), so a cold feed reads a few dozen items instead of every
 * fragment, and parses one string per event instead of every part of every language.
 *
 * Immutable and built read-through. A segment's key names its partition, period, the period's revision (periods.ts),
 * RENDERING_VERSION, the packing format and the variant: the projector renews a period's revision whenever a fragment enters,
 * changes in or leaves it, so a segment is never rewritten, only no longer asked for, and expires (TTL). A feed
 * reads the segments of its window's periods; the periods without one are Queried from byFeed as before (adjacent
 * periods in one Query), and their segments are written for the next reader.
 */
import { BatchGetCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Deps } from '#config/deps';
import { isConditionFailure } from '#journal/conditions';
import { streams } from '#domain/changes';
import { feedEntry, RENDERING_VERSION, type FeedEntry, type FeedFragment, type FeedVariant } from './fragments.ts';
import { queryFeedIndex, usableFragments, type IndexedFragment } from './index-reads.ts';
import { directoryPeriods, feedDirectoryKey, feedPeriodOf, type PeriodRevision } from './periods.ts';
import { decodedSegments, heldBytes } from './segment-cache.ts';
import { decodePart, packPeriod, type Packed } from './segment-parts.ts';

/**
 * Bumped when the packed form changes: older segments are then never read (4: periods of about a week, not months;
 * 5: entries' lengths in bytes, not characters: segment-parts.ts).
 */
const SEGMENT_FORMAT = 5;

/** FEED_SEGMENTS=0 turns segments off (feeds read the index alone). */
export const segmentsOn = (): boolean => process.env.FEED_SEGMENTS !== '0';
/**
 * Periods holding fewer fragments are not packed: a Query of a few items costs about what a segment does (a count of
 * items, whatever the period's length; unpacked periods next to each other are one Query).
 */
const minFragments = () => Number(process.env.FEED_SEGMENT_MIN_FRAGMENTS ?? 16);
const ttlSeconds = () => Number(process.env.FEED_SEGMENT_TTL_HOURS ?? 24) * 3600;
/** After a revision the index may lag the table (as feed.ts): no segment is packed from it until it settles. */
const settleMillis = () => Number(process.env.FEED_INDEX_SETTLE_MS ?? 0);

interface SegmentItem {
  pk: string;
  segment: Uint8Array;
  parts: number;
  expiresAt: number;
}

const variantKey = ({ language, defaultLanguage, withPrivateDetails }: FeedVariant) => `${language}|${defaultLanguage}|${withPrivateDetails ? 'private' : 'public'}`;

const segmentKey = (partition: string, period: string, { revision }: PeriodRevision, variant: string, part: number) =>
  `feedsegment#${partition}#${period}#${revision}#r${RENDERING_VERSION}#f${SEGMENT_FORMAT}#${variant}#${part}`;

/**
 * The entries of a partition's window (ends from `start`, or all) for one feed variant, from its periods' segments
 * where they exist and the index elsewhere; undefined when the partition has no complete period directory (read
 * the index).
 */
export async function readSegmented(d: Deps, partition: string, start: string | undefined, variant: FeedVariant, now: Date): Promise<FeedEntry[] | undefined> {
  const { Item: directory } = await d.client.send(new GetCommand({ TableName: d.tables.views, Key: { pk: feedDirectoryKey(partition) }, ConsistentRead: true }));
  if (directory?.complete !== true) return undefined;
  const first = start === undefined ? undefined : feedPeriodOf(start);
  const periods = directoryPeriods(directory).filter(([period]) => first === undefined || period >= first);
  const key = variantKey(variant);
  const packed = await readSegments(d, partition, periods, key);
  const found = [...packed.values()].flat();
  const writes: Promise<void>[] = [];
  await Promise.all(
    runsWithout(periods, packed).map(async (run) => {
      // [the run's first period, the next period after its last); the last run is open-ended: it also finds what
      // ends after the directory's last period.
      const last = run.at(-1)![0] === periods.at(-1)![0] ? undefined : run.at(-1)![0];
      const read = await packedOf(d, (await queryFeedIndex(d, partition, { from: run[0]![0], throughPeriod: last }))!, variant, now);
      found.push(...read);
      for (const [period, revision] of run)
        writes.push(
          writeSegment(
            d,
            segmentKey.bind(null, partition, period, revision, key),
            revision,
            read.filter(([end]) => feedPeriodOf(end) === period),
          ),
        );
    }),
  );
  await Promise.all(writes);
  const shown = start === undefined ? found : found.filter(([end]) => end >= start);
  // A Hijri series packed in an earlier year is rendered again: its RDATEs move with the clock (fragments.ts).
  const stale = shown.filter(([, year]) => year !== null && year < now.getUTCFullYear());
  if (stale.length === 0) return shown.map(([, , entry]) => entry);
  const fresh = await packedOf(
    d,
    stale.map(([feedEnd, , entry]) => ({ pk: streams.event(entry.id), feedEnd })),
    variant,
    now,
  );
  return [...shown.filter(([, year]) => year === null || year >= now.getUTCFullYear()), ...fresh].map(([, , entry]) => entry);
}

/** Index items as packed entries of a variant (fragments rendered again where outdated, as a feed would). */
async function packedOf(d: Deps, items: readonly IndexedFragment[], variant: FeedVariant, now: Date): Promise<Packed[]> {
  const ends = new Map(items.map((item) => [item.pk, item.feedEnd]));
  return (await usableFragments(d, items, now)).flatMap((fragment: FeedFragment): Packed[] => {
    const feedEnd = ends.get(streams.event(fragment.id));
    return feedEnd === undefined ? [] : [[feedEnd, fragment.hy ?? null, feedEntry(fragment, variant)]];
  });
}

/** Adjacent periods (in the directory's order) that have no segment. */
function runsWithout(periods: [string, PeriodRevision][], packed: Map<string, unknown>): [string, PeriodRevision][][] {
  const runs: [string, PeriodRevision][][] = [];
  let run: [string, PeriodRevision][] = [];
  for (const period of periods) {
    if (packed.has(period[0])) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else run.push(period);
  }
  return run.length > 0 ? [...runs, run] : runs;
}

/**
 * The unexpired, whole segments of these periods: those this container has decoded (segment-cache.ts), then the
 * others from the store (BatchGet: their first parts, then any further parts).
 */
async function readSegments(d: Deps, partition: string, periods: [string, PeriodRevision][], variant: string): Promise<Map<string, readonly Packed[]>> {
  const nowSeconds = Date.now() / 1000;
  const live = (item: SegmentItem | undefined) => item !== undefined && item.expiresAt > nowSeconds;
  const keyOf = (period: string, revision: PeriodRevision, part: number) => segmentKey(partition, period, revision, variant, part);
  const packed = new Map<string, readonly Packed[]>();
  for (const [period, revision] of periods) {
    const decoded = decodedSegments.get(keyOf(period, revision, 0), nowSeconds);
    if (decoded) packed.set(period, decoded);
  }
  const firsts = await batchGet(
    d,
    periods.filter(([period]) => !packed.has(period)).map(([period, revision]) => keyOf(period, revision, 0)),
  );
  const wanted = periods.filter(([period, revision]) => live(firsts.get(keyOf(period, revision, 0))));
  const further = await batchGet(
    d,
    wanted.flatMap(([period, revision]) => Array.from({ length: firsts.get(keyOf(period, revision, 0))!.parts - 1 }, (_, i) => keyOf(period, revision, i + 1))),
  );
  for (const [period, revision] of wanted) {
    const parts = Array.from({ length: firsts.get(keyOf(period, revision, 0))!.parts }, (_, i) => (i === 0 ? firsts : further).get(keyOf(period, revision, i)));
    if (!parts.every(live)) continue;
    const entries = parts.flatMap((part) => decodePart(part!.segment));
    packed.set(period, entries);
    decodedSegments.remember(keyOf(period, revision, 0), entries, heldBytes(entries), Math.min(...parts.map((part) => part!.expiresAt)));
  }
  return packed;
}

async function batchGet(d: Deps, keys: string[]): Promise<Map<string, SegmentItem>> {
  const found = new Map<string, SegmentItem>();
  for (let i = 0; i < keys.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = { [d.tables.views]: { Keys: keys.slice(i, i + 100).map((pk) => ({ pk })) } };
    while (request && Object.keys(request).length > 0) {
      const reply = await d.client.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of (reply.Responses?.[d.tables.views] ?? []) as SegmentItem[]) found.set(item.pk, item);
      request = reply.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

/**
 * Packs and stores a period read from the index, unless it is small, too large, or its revision has not settled.
 * Each part is put only where none is (or an expired one): concurrent readers of one revision write the same
 * entries. The first part, which says how many there are, is written last.
 */
async function writeSegment(d: Deps, keyOf: (part: number) => string, revision: PeriodRevision, entries: readonly Packed[]): Promise<void> {
  if (Date.now() - revision.revisedAt < settleMillis()) return;
  if (entries.length < Math.max(1, minFragments())) return;
  const parts = packPeriod(entries);
  if (!parts) return;
  const expiresAt = Math.floor(Date.now() / 1000) + ttlSeconds();
  const put = async (part: number) => {
    try {
      await d.client.send(
        new PutCommand({
          TableName: d.tables.views,
          Item: { pk: keyOf(part), segment: new Uint8Array(parts[part]!), parts: parts.length, expiresAt },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  };
  await Promise.all(parts.slice(1).map((_, i) => put(i + 1)));
  await put(0);
  // Stored (by this reader or a concurrent one, with the same entries): the next read here needs no BatchGet of it.
  decodedSegments.remember(keyOf(0), entries, heldBytes(entries), expiresAt);
}
