import { invalidValue } from './errors';
import { describeType } from './resource/coerce-value';

/**
 * The largest page this service returns; advertised in /ServiceProviderConfig
 * as filter.maxResults and pagination.maxPageSize (RFC 9865 §4).
 */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 100;

export interface ListParameters {
  filter: string | undefined;
  /** 1-based (RFC 7644 §3.4.2.4). */
  startIndex: number;
  count: number;
  sortBy: string | undefined;
  sortOrder: 'ascending' | 'descending';
  /**
   * RFC 9865 §2: the cursor of the page wanted, '' for the first page, or
   * undefined when the client pages by startIndex (the default method).
   */
  cursor: string | undefined;
}

function integerParameter(name: string, raw: unknown): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^-?\d{1,15}$/.test(raw.trim())) {
    // Never String() a JSON value: a 100,000-level nested array overflows the stack.
    const found = typeof raw === 'string' ? `"${raw.slice(0, 100)}"` : describeType(raw);
    throw invalidValue(`"${name}" must be an integer; got ${found}.`);
  }

  return Number(raw.trim());
}

function stringParameter(name: string, raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw invalidValue(`"${name}" must be given once, as a string.`);

  return raw;
}

/**
 * Reads list parameters from a query string or a /.search body. Out-of-range
 * values are normalised as RFC 7644 §3.4.2.4 says: startIndex < 1 means 1,
 * a negative count means 0, and count is capped at MAX_PAGE_SIZE (a service
 * provider may always return fewer results than asked for).
 *
 * @throws ScimError 400 `invalidValue` for values of the wrong type and for
 *   startIndex and cursor together (they name two paging methods).
 */
export function readListParameters(source: Record<string, unknown>): ListParameters {
  const cursor = stringParameter('cursor', source.cursor);
  if (cursor !== undefined && source.startIndex !== undefined && source.startIndex !== '') {
    throw invalidValue(
      'Send either "startIndex" (index paging) or "cursor" (cursor paging, RFC 9865), not both.',
    );
  }
  const startIndex = integerParameter('startIndex', asText(source.startIndex)) ?? 1;
  const count = integerParameter('count', asText(source.count)) ?? DEFAULT_PAGE_SIZE;
  const sortOrder = stringParameter('sortOrder', source.sortOrder) ?? 'ascending';
  if (sortOrder !== 'ascending' && sortOrder !== 'descending') {
    throw invalidValue(`"sortOrder" must be "ascending" or "descending"; got "${sortOrder}".`);
  }

  return {
    filter: stringParameter('filter', source.filter),
    startIndex: Math.max(1, startIndex),
    count: Math.min(MAX_PAGE_SIZE, Math.max(0, count)),
    sortBy: stringParameter('sortBy', source.sortBy),
    sortOrder,
    cursor,
  };
}

/** /.search bodies carry numbers as JSON numbers; query strings as text. */
function asText(value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
}
