import { sql } from 'kysely';
import { z } from 'zod';
import { invalidValue } from '../scim/errors';

/**
 * A position in a list ordered by (lower(name), id), for the directory lists
 * a person reads alphabetically. The time-ordered lists use keyset-cursor.ts.
 */
export interface NamePosition {
  name: string;
  id: string;
}

const position = z.object({ name: z.string().max(1024), id: z.string().min(1).max(64) }).strict();

/** Opaque to clients: base64url of the position. */
export function encodeNameCursor(value: NamePosition): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** @throws ScimError 400 `invalidValue` for anything this API did not issue. */
export function decodeNameCursor(cursor: string): NamePosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = position.safeParse(decoded);
  if (!parsed.success) {
    throw invalidValue(
      '"cursor" is not one this API issued; pass next_cursor from a previous page unchanged.',
    );
  }

  return parsed.data;
}

/** Rows strictly after `at` in (lower(nameColumn), idColumn) ascending order. */
export function pastName(nameColumn: string, idColumn: string, at: NamePosition) {
  return sql<boolean>`(lower(${sql.ref(nameColumn)}), ${sql.ref(idColumn)}) > (${at.name}, ${at.id})`;
}

/**
 * A case-insensitive "contains" pattern for ILIKE: the search text is taken
 * literally, so `%` and `_` typed by a person match themselves.
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * The page of `rows` (fetched with limit + 1) and the cursor of the next one.
 * `sort_name` is PostgreSQL's lower(name), so the cursor compares as the
 * ORDER BY did whatever the characters.
 */
export function namePage<T extends { id: string; sort_name: string }>(
  rows: T[],
  limit: number,
): { page: Array<Omit<T, 'sort_name'>>; nextCursor: string | null } {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  const nextCursor =
    rows.length > limit && last !== undefined
      ? encodeNameCursor({ name: last.sort_name, id: last.id })
      : null;
  const page = kept.map(({ sort_name: _sortName, ...row }) => row);

  return { page, nextCursor };
}
