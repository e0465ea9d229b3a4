import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { Request } from 'express';
import { z } from 'zod';
import { invalidValue } from '../scim/errors';

/** Query parameters are single strings here; a repeated one is a client mistake. */
export function parseQuery<T extends z.ZodType>(schema: T, request: Request): z.infer<T> {
  const parsed = schema.safeParse(request.query);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.length === 0 ? 'query' : `"${issue.path.join('.')}"`;

      return `${where}: ${issue.message}`;
    });
    throw invalidValue(`The query parameters are invalid. ${problems.join('; ')}.`);
  }

  return parsed.data;
}

/** `limit`: how many items a page holds. */
export function pageLimit(max: number, fallback: number) {
  return z.coerce.number().int().min(1).max(max).default(fallback);
}

/**
 * An ISO 8601 instant with a zone, e.g. `2025-01-31T22:00:00Z`. Kept as text
 * for PostgreSQL to read (`::timestamptz`): a Date would drop microseconds.
 */
export const instant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 time with a zone, e.g. 2025-01-31T22:00:00Z',
});

/** An `instant` as a timestamptz parameter. */
export function timestamptz(value: string): RawBuilder<Date> {
  return sql<Date>`${value}::timestamptz`;
}
