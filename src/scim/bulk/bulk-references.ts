import { isPlainObject } from '../resource/json-value';
import { RESOURCE_LIMITS } from '../resource/limits';

/**
 * `bulkId:<id>` references (RFC 7644 §3.7.2): a later operation names a
 * resource an earlier POST of the same request creates, before it has an id.
 * They are read from:
 *
 * - the operation's path, as its id segment: `/Groups/bulkId:qwerty`;
 * - string values under a `value` key anywhere in `data`, where references
 *   live (`members[].value`, `manager.value`, a PatchOp's `value`);
 * - quoted values in a PatchOp path filter: `members[value eq "bulkId:qwerty"]`.
 *
 * Other strings are data, even when they happen to start with "bulkId:".
 */
const PREFIX = 'bulkId:';
const QUOTED = /"bulkId:([^"]+)"/g;

export function referencedBulkIds(path: string, data: unknown): string[] {
  const found = new Set<string>();
  const segment = idSegment(path);
  if (segment?.startsWith(PREFIX)) found.add(segment.slice(PREFIX.length));
  visit(data, '', (value, key) => {
    if (key === 'value' && value.startsWith(PREFIX)) found.add(value.slice(PREFIX.length));
    if (key === 'path') for (const match of value.matchAll(QUOTED)) found.add(match[1] as string);

    return value;
  });

  return [...found];
}

/** The path and data with every reference replaced by the id it names in `ids`. */
export function resolveBulkIds(
  path: string,
  data: unknown,
  ids: ReadonlyMap<string, string>,
): { path: string; data: unknown } {
  const resolve = (bulkId: string) => ids.get(bulkId) ?? `${PREFIX}${bulkId}`;
  const segment = idSegment(path);
  const resolvedPath =
    segment?.startsWith(PREFIX) === true
      ? `${path.slice(0, path.lastIndexOf(segment))}${resolve(segment.slice(PREFIX.length))}`
      : path;
  const resolvedData = visit(data, '', (value, key) => {
    if (key === 'value' && value.startsWith(PREFIX)) return resolve(value.slice(PREFIX.length));
    if (key === 'path') return value.replace(QUOTED, (_, bulkId: string) => `"${resolve(bulkId)}"`);

    return value;
  });

  return { path: resolvedPath, data: resolvedData };
}

/** The second segment of `/Users/{id}`, without a trailing slash. */
function idSegment(path: string): string | undefined {
  const segments = path.replace(/^\/+|\/+$/g, '').split('/');

  return segments.length === 2 ? segments[1] : undefined;
}

/**
 * A copy of JSON `data` with each string passed through `change`, told the
 * key it sits under (lower-cased; array elements inherit their array's key).
 * Below the nesting a resource may have it stops and leaves the rest as it
 * is: the operation refuses such data with 400 anyway, and following a
 * hostile 100,000-level nesting would overflow the stack (a 500).
 */
function visit(
  data: unknown,
  key: string,
  change: (value: string, key: string) => string,
  depth = 0,
): unknown {
  if (typeof data === 'string') return change(data, key);
  if (depth > RESOURCE_LIMITS.maxDepth) return data;
  if (Array.isArray(data)) return data.map((item) => visit(item, key, change, depth + 1));
  if (!isPlainObject(data)) return data;

  return Object.fromEntries(
    Object.entries(data).map(([name, item]) => [
      name,
      visit(item, name.toLowerCase(), change, depth + 1),
    ]),
  );
}
