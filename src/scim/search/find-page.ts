import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type { Db } from '../../db/database';
import type { FilterNode } from '../filter/ast';
import type { FilterTarget } from '../filter/to-sql';
import { compileFilter, compileSortKey } from '../filter/to-sql';
import type { ListParameters } from '../list-parameters';
import type { PageCursors } from '../list-response';
import { findAttribute } from '../schemas/attribute';
import { resolveAttribute } from '../schemas/resolve';
import type { CursorPayload } from './cursor';
import { checkCursor, decodeCursor, encodeCursor, invalidCursor, queryFingerprint } from './cursor';
import type { ListSource } from './list-sources';

/** One table of a query, with the filter target its conditions are compiled against. */
export interface PageSource {
  source: ListSource;
  target: FilterTarget;
}

export interface PageEntry {
  source: ListSource;
  id: string;
}

export interface FoundPage {
  total: number;
  entries: PageEntry[];
  /** Set when the client pages by cursor (RFC 9865), undefined for startIndex paging. */
  cursors: PageCursors | undefined;
}

type SortKeyType = 'text' | 'boolean' | 'numeric' | 'timestamptz';

interface Position {
  key: string | null;
  id: string;
}

interface ListOrder {
  sortKey: SortKeyType | undefined;
  descending: boolean;
}

/**
 * Finds one page of the resources of `sources` that match `filter`, and how
 * many match in all (RFC 7644 §3.4.2). Resources are ordered by sortBy, then
 * by id; a missing value sorts last ascending and first descending (RFC 7644
 * §3.4.2.3), and descending is the exact reverse of ascending. Several
 * sources make one list (a query at the root, §3.4.3), ordered the same way.
 *
 * Index paging counts rows to skip; cursor paging (RFC 9865) continues from
 * the sort key and id a cursor names, so that a page neither skips nor
 * repeats resources when others are written meanwhile.
 *
 * @throws ScimError 400 `invalidFilter` or `invalidValue` for the filter or
 *   sortBy, `invalidCursor` or `expiredCursor` for the cursor.
 */
export async function findPage(
  db: Db,
  tenantId: string,
  sources: PageSource[],
  filter: FilterNode | undefined,
  parameters: ListParameters,
  now: Date,
): Promise<FoundPage> {
  const order: ListOrder = {
    sortKey: parameters.sortBy === undefined ? undefined : sortKeyType(sources, parameters.sortBy),
    descending: parameters.sortBy !== undefined && parameters.sortOrder === 'descending',
  };
  const matches = matchingRows(tenantId, sources, filter, parameters.sortBy);
  const fingerprint = queryFingerprint([
    sources.map(({ source }) => source.table),
    parameters.filter ?? null,
    parameters.sortBy?.trim() ?? null,
    order.descending,
  ]);
  const cursor =
    parameters.cursor === undefined || parameters.cursor === ''
      ? undefined
      : decodeCursor(parameters.cursor);
  if (cursor !== undefined) {
    checkCursor(cursor, fingerprint, now);
    checkKey(cursor.key, order.sortKey);
  }

  const query: PageQuery = { db, sources, matches, order, count: parameters.count };
  if (parameters.cursor === undefined) return indexPage(query, parameters.startIndex);

  // TODO(search): RFC 9865 lets cursor pages leave totalResults out; counting on every page
  // scans all matches, which a large tenant paging by cursor pays for each page.
  const { rows: counted } = await sql<{ total: number }>`
    select count(*)::int as total from ${matches}`.execute(db);
  const total = counted[0]?.total ?? 0;
  if (parameters.count === 0) return { total, entries: [], cursors: {} };

  const { entries, cursors } = await cursorPage(query, cursor, (direction, at) =>
    encodeCursor({
      direction,
      key: at.key,
      id: at.id,
      query: fingerprint,
      issuedAt: Math.floor(now.getTime() / 1000),
    }),
  );

  return { total, entries, cursors };
}

/** What the page queries share: the matching rows, their order, the page size. */
interface PageQuery {
  db: Db;
  sources: PageSource[];
  matches: RawBuilder<unknown>;
  order: ListOrder;
  count: number;
}

type IssueCursor = (direction: CursorPayload['direction'], at: Position) => string;

/**
 * RFC 7644 §3.4.2.4: how many match, and the page `startIndex` (1-based)
 * starts, in one round trip: a lookup by userName is the query IdPs send most.
 * The count and the page stay separate subqueries, so that each keeps the plan
 * it would have alone (a page of an unfiltered list reads the id index, not a
 * sort of every row); the outer join keeps the count when the page is empty.
 */
async function indexPage(query: PageQuery, startIndex: number): Promise<FoundPage> {
  const { rows } = await sql<{ total: number; scim_type: string | null; id: string | null }>`
    select counted.total, page.scim_type, page.id
    from (select count(*)::int as total from ${query.matches}) as counted
    left join lateral (
      select scim_type, scim_id as id from ${query.matches}
      order by ${orderBy(query.order, false)}
      offset ${startIndex - 1} limit ${query.count}
    ) as page on true`.execute(query.db);
  const entries = rows.flatMap((row) =>
    row.scim_type === null || row.id === null ? [] : [entryOf(query.sources, row.scim_type, row.id)],
  );

  return { total: rows[0]?.total ?? 0, entries, cursors: undefined };
}

/**
 * RFC 9865 §2: the page after (or, for a previousCursor, before) the
 * cursor's position, or the first page without one. One row more than the
 * page is read to learn whether the list goes on that way; whether it goes
 * on the other way is asked separately: a cursor is only given when there is a page there.
 */
async function cursorPage(
  query: PageQuery,
  cursor: CursorPayload | undefined,
  issue: IssueCursor,
): Promise<{ entries: PageEntry[]; cursors: PageCursors }> {
  const { db, matches, order, count } = query;
  const backwards = cursor?.direction === 'before';
  const bound = cursor === undefined ? sql<SqlBool>`true` : beyond(order, cursor, backwards);
  const { rows: fetched } = await sql<Position & { scim_type: string }>`
    select scim_type, scim_id as id, ${keyText(order)} as key from ${matches}
    where ${bound}
    order by ${orderBy(order, backwards)}
    limit ${count + 1}`.execute(db);
  const more = fetched.length > count;
  const page = fetched.slice(0, count);
  if (backwards) page.reverse();

  const first = page[0];
  const last = page[page.length - 1];
  const cursors: PageCursors = {};
  if (first !== undefined && last !== undefined) {
    const hasNext = backwards ? await exists(db, matches, beyond(order, last, false)) : more;
    const hasPrevious = backwards
      ? more
      : cursor !== undefined && (await exists(db, matches, beyond(order, first, true)));
    if (hasNext) cursors.nextCursor = issue('after', last);
    if (hasPrevious) cursors.previousCursor = issue('before', first);
  }

  return { entries: page.map((row) => entryOf(query.sources, row.scim_type, row.id)), cursors };
}

/** `(type, id, sort key)` of every matching resource, as one derived table. */
function matchingRows(
  tenantId: string,
  sources: PageSource[],
  filter: FilterNode | undefined,
  sortBy: string | undefined,
): RawBuilder<unknown> {
  const branches = sources.map(({ source, target }) => {
    const condition = filter === undefined ? sql<SqlBool>`true` : compileFilter(filter, target);
    const sortKey = sortBy === undefined ? sql`null::text` : compileSortKey(sortBy, target);

    return sql`select ${source.resourceType.name}::text as scim_type,
        ${sql.ref(`${source.table}.id`)} as scim_id, ${sortKey} as scim_sort
      from ${sql.table(source.table)}
      where ${source.visible(tenantId)} and ${condition}`;
  });

  return sql`(${sql.join(branches, sql` union all `)}) as scim_match`;
}

const sortColumn = sql.ref('scim_match.scim_sort');
const idColumn = sql.ref('scim_match.scim_id');

function orderBy(order: ListOrder, reversed: boolean): RawBuilder<unknown> {
  const descending = order.descending !== reversed;
  const id = descending ? sql`${idColumn} desc` : sql`${idColumn} asc`;
  if (order.sortKey === undefined) return id;

  const key = descending ? sql`${sortColumn} desc nulls first` : sql`${sortColumn} asc nulls last`;

  return sql`${key}, ${id}`;
}

/**
 * The rows past `at` in list order (`before`: the rows ahead of it). Both
 * are built from "after in ascending order", where a missing key is last.
 */
function beyond(order: ListOrder, at: Position, before: boolean): RawBuilder<SqlBool> {
  const ascendingAfter = order.descending === before;
  if (order.sortKey === undefined) {
    return ascendingAfter
      ? sql<SqlBool>`${idColumn} > ${at.id}`
      : sql<SqlBool>`${idColumn} < ${at.id}`;
  }

  const key = at.key === null ? null : typedKey(at.key, order.sortKey);
  if (ascendingAfter) {
    return key === null
      ? sql<SqlBool>`(${sortColumn} is null and ${idColumn} > ${at.id})`
      : sql<SqlBool>`(${sortColumn} > ${key}
          or (${sortColumn} = ${key} and ${idColumn} > ${at.id})
          or ${sortColumn} is null)`;
  }

  return key === null
    ? sql<SqlBool>`(${sortColumn} is not null or ${idColumn} < ${at.id})`
    : sql<SqlBool>`(${sortColumn} < ${key} or (${sortColumn} = ${key} and ${idColumn} < ${at.id}))`;
}

async function exists(
  db: Db,
  matches: RawBuilder<unknown>,
  condition: RawBuilder<SqlBool>,
): Promise<boolean> {
  const { rows } = await sql<{ found: boolean }>`
    select exists (select 1 from ${matches} where ${condition}) as found`.execute(db);

  return rows[0]?.found === true;
}

/** The sort key as text a cursor can carry and typedKey can read back exactly. */
function keyText(order: ListOrder): RawBuilder<unknown> {
  switch (order.sortKey) {
    case undefined:
      return sql`null::text`;
    case 'text':
      return sortColumn;
    case 'timestamptz':
      return sql`to_char(${sortColumn} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    default:
      return sql`${sortColumn}::text`;
  }
}

function typedKey(key: string, type: SortKeyType): RawBuilder<unknown> {
  switch (type) {
    case 'text':
      return sql`(${key}::text collate "C")`;
    case 'boolean':
      return sql`${key}::boolean`;
    case 'numeric':
      return sql`${key}::numeric`;
    case 'timestamptz':
      return sql`${key}::timestamptz`;
  }
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** A cursor's key must read as the sort key's type, or PostgreSQL would fail on it. */
function checkKey(key: string | null, type: SortKeyType | undefined): void {
  if (key === null) return;
  const valid =
    type === 'text' ||
    (type === 'boolean' && (key === 'true' || key === 'false')) ||
    (type === 'numeric' && NUMBER.test(key)) ||
    (type === 'timestamptz' && TIMESTAMP.test(key) && sameInstant(key));
  if (!valid) throw invalidCursor();
}

/** Rejects well-formed but impossible instants such as February 30th. */
function sameInstant(text: string): boolean {
  const date = new Date(text);

  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === text.slice(0, 19);
}

/**
 * The SQL type of the sort key compileSortKey builds for `sortBy`: that of
 * the attribute, or of its `value` sub-attribute for a multi-valued one.
 */
function sortKeyType(sources: PageSource[], sortBy: string): SortKeyType {
  for (const { source } of sources) {
    const resolved = resolveAttribute(source.resourceType, sortBy.trim());
    if (resolved === undefined) continue;
    const { attribute, subAttribute } = resolved;
    const keyed =
      subAttribute ??
      (attribute.type === 'complex'
        ? findAttribute(attribute.subAttributes ?? [], 'value')
        : attribute);
    switch (keyed?.type) {
      case 'boolean':
        return 'boolean';
      case 'integer':
      case 'decimal':
        return 'numeric';
      case 'dateTime':
        return 'timestamptz';
      default:
        return 'text';
    }
  }

  return 'text';
}

function entryOf(sources: PageSource[], type: string, id: string): PageEntry {
  const found = sources.find(({ source }) => source.resourceType.name === type);
  if (found === undefined) throw new Error(`page row of unknown resource type ${type}`);

  return { source: found.source, id };
}
