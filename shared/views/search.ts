/**
 * Title search over one calendar's event list (docs/decisions/0022-search.md). It reads what a list of the same
 * window reads, the window's month buckets, with the stored folded titles compared by a `contains` filter; and it
 * stops after SEARCH_READ_BUDGET items however few of them matched, with a cursor to go on from there. So a request
 * costs at most that many items, never the calendar's whole history, even for a word no title has.
 *
 * Without `to`, a search runs to the calendar's last listed month (its month directory); without `from`, from its
 * first. A caller walks that horizon page by page, each page bounded.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cursorKey, readCursor, writeCursor } from './cursor.ts';
import { INDEX, monthStart, type ViewItem } from './items.ts';
import { bucketQuery, endedAtFrom, windowMonths, type EventFilter, type Page, type Position, type ViewReader } from './queries.ts';
import { matchesTerms, SEARCH_VERSION, searchTerms, searchTextOf } from './search-text.ts';

/**
 * Items one search request may have the store evaluate, matching or not (an empty month counts as one): about one
 * DynamoDB page (1 MB) of typical event items.
 */
export const SEARCH_READ_BUDGET = 500;

/** Cursors of searches are their own list: a search position (which may fall on an unlisted item) is no list's. */
const SEARCH_LIST = 'events?q';

export type SearchFilter = EventFilter & { calendar: string; q: string };

/** One page of a calendar's events whose titles hold every term of `q`, by start. */
export async function searchEvents(reader: ViewReader, filter: SearchFilter, budget = SEARCH_READ_BUDGET): Promise<Page<Record<string, unknown>>> {
  const key = cursorKey(reader.adminKeyHash);
  const position = filter.cursor ? await readCursor(key, SEARCH_LIST, filter.cursor, ['m', 'k']) : undefined;
  const { items, next } = await searchWindow(reader.client, reader.tables.views, filter, budget, position);
  // Occurrence items (0017) hold their rows; occurrences outside a series' materialized range are not searched.
  return { items: items.map((item) => item.doc), nextCursor: next ? await writeCursor(key, SEARCH_LIST, { ...next }) : null };
}

/** As readWindow (queries.ts), one partition a month, but stopping when the budget is spent. `k: ''` is a month's start. */
async function searchWindow(client: DynamoDBDocumentClient, table: string, filter: SearchFilter, budget: number, position?: Position): Promise<{ items: ViewItem[]; next?: Position }> {
  const terms = searchTerms(filter.q);
  const { firstMonth, months } = await windowMonths(client, table, filter, position);
  const found: ViewItem[] = [];
  let left = budget;
  for (const [i, month] of months.entries()) {
    const after = position?.m === month && position.k ? position.k : undefined;
    if (left <= 0) return { items: found, next: { m: month, k: after ?? '' } };
    // Just past `after` (no string sorts between it and this), so the item a page ended on is not read again.
    const lower = [month === firstMonth ? undefined : monthStart(month), after === undefined ? undefined : `${after}\u0000`]
      .filter((bound) => bound !== undefined)
      .sort()
      .at(-1);
    const query = withTerms(bucketQuery(filter, lower), terms);
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: table,
          IndexName: INDEX.byCalendarMonth,
          KeyConditionExpression: ['calendarMonth = :partition', query.sortKeyCondition].filter(Boolean).join(' AND '),
          FilterExpression: query.filters.join(' AND '),
          ExpressionAttributeNames: Object.keys(query.names).length > 0 ? query.names : undefined,
          ExpressionAttributeValues: { ':partition': `${filter.calendar}#${month}`, ...query.values },
          ExclusiveStartKey: startKey,
          Limit: left,
        }),
      );
      left -= Math.max(1, page.ScannedCount ?? 0);
      startKey = page.LastEvaluatedKey;
      const items = (page.Items ?? []) as ViewItem[];
      for (const [j, item] of items.entries()) {
        if (!matches(item, terms) || endedAtFrom(item, filter.from)) continue;
        found.push(item);
        if (found.length < filter.limit) continue;
        const more = j < items.length - 1 || startKey !== undefined || i < months.length - 1;
        return { items: found, next: more ? { m: month, k: item.sortKey } : undefined };
      }
      if (startKey && left <= 0) return { items: found, next: { m: month, k: String(startKey.sortKey) } };
    } while (startKey);
  }
  return { items: found };
}

/**
 * The terms as a filter on the stored text. Items folded by another SEARCH_VERSION (or before search existed) pass the
 * filter and are matched here from their document, so a search is right before `npm run rebuild-views` has run.
 */
function withTerms(query: ReturnType<typeof bucketQuery>, terms: string[]): ReturnType<typeof bucketQuery> {
  const contains = terms.map((term, i) => {
    query.values[`:term${i}`] = term;
    return `contains(searchText, :term${i})`;
  });
  query.values[':searchVersion'] = SEARCH_VERSION;
  query.filters.push(`(attribute_not_exists(searchVersion) OR searchVersion <> :searchVersion OR (${contains.join(' AND ')}))`);
  return query;
}

function matches(item: ViewItem, terms: string[]): boolean {
  const text = item.searchVersion === SEARCH_VERSION && item.searchText !== undefined ? item.searchText : searchTextOf(item.doc as { title: Record<string, string> });
  return matchesTerms(text, terms);
}
