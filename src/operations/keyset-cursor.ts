import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { z } from 'zod';
import { invalidValue } from '../scim/errors';

/**
 * A position in a list ordered by (time, id). The time is PostgreSQL's own
 * text at microsecond precision: a JavaScript Date would round it to the
 * millisecond and skip or repeat rows that share one.
 */
export interface KeysetPosition {
  at: string;
  id: string;
}

const position = z.object({
  at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
  id: z.string().min(1).max(64),
});

/** Opaque to clients: base64url of the position. */
export function encodeCursor(value: KeysetPosition): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Throws a 400 for anything this API did not issue. */
export function decodeCursor(cursor: string): KeysetPosition {
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

/** A timestamptz column as cursor text, in UTC at microsecond precision. */
export function cursorTime(column: string): RawBuilder<string> {
  const format = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"';

  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', ${sql.lit(format)})`;
}

/** Rows strictly after `position` in (time, id) order, ascending or descending. */
export function pastPosition(
  timeColumn: string,
  idColumn: string,
  at: KeysetPosition,
  order: 'asc' | 'desc',
): RawBuilder<boolean> {
  const row = sql`(${sql.ref(timeColumn)}, ${sql.ref(idColumn)})`;
  const cursor = sql`(${at.at}::timestamptz, ${at.id})`;

  return order === 'asc' ? sql<boolean>`${row} > ${cursor}` : sql<boolean>`${row} < ${cursor}`;
}
