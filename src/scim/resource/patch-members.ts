import type { FilterNode } from '../filter/ast';
import type { PatchOpName } from './patch-request';
import { invalidFilter, invalidPath } from '../errors';
import { readMemberIds } from './group-members';
import { memberIdsOfFilter } from './patch-filter';

/**
 * A change of group membership for the caller to apply in SQL, in request
 * order: a group may have hundreds of thousands of members, so they are
 * never loaded to be patched in memory.
 */
export type MemberOperation =
  | { op: 'add'; ids: string[] }
  | { op: 'remove'; ids: string[] }
  | { op: 'removeAll' }
  | { op: 'replace'; ids: string[] };

/**
 * Translates one PATCH operation on `members` (RFC 7644 §3.5.2.1–3):
 *
 * - add: the listed members join; those already in are left as they are;
 * - replace: exactly the listed members remain (an empty list clears);
 * - remove with `members[value eq "<id>"]` (or several joined by `or`): those go;
 * - remove with a `value` list (Entra's shape, `[{"value": "<id>"}]`): only those go;
 * - remove with neither: every member goes.
 *
 * Returns null for an operation that cannot change anything (an empty list
 * to add or remove).
 *
 * @throws ScimError 400 `invalidPath` for a value filter on add or replace,
 *   `invalidFilter` for a remove filter other than `value eq`, and
 *   `invalidValue` for a malformed member list.
 */
export function toMemberOperation(
  op: PatchOpName,
  filter: FilterNode | null,
  value: unknown,
  path: string,
): MemberOperation | null {
  if (filter !== null && op !== 'remove') {
    throw invalidPath(
      `"${path}": ${op} on "members" takes no value filter; give the members in "value".`,
    );
  }

  if (op === 'add') {
    const ids = readMemberIds(value ?? null, path);

    return ids.length === 0 ? null : { op: 'add', ids };
  }
  if (op === 'replace') {
    const ids = readMemberIds(value ?? null, path);

    return ids.length === 0 ? { op: 'removeAll' } : { op: 'replace', ids };
  }

  if (filter !== null) {
    const ids = memberIdsOfFilter(filter);
    if (ids === null) {
      throw invalidFilter(
        `"${path}": members can be selected for removal only by id, as ` +
          `members[value eq "<id>"] (several may be joined by "or").`,
      );
    }

    return { op: 'remove', ids };
  }
  if (value === undefined || value === null) return { op: 'removeAll' };
  const ids = readMemberIds(value, path);

  return ids.length === 0 ? null : { op: 'remove', ids };
}
