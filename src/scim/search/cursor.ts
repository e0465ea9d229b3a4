import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ScimError } from '../errors';

/**
 * Cursors of RFC 9865: opaque to clients, and here keyset positions rather
 * than offsets, so a page never skips or repeats a resource because others
 * were created or deleted meanwhile. A cursor names the last (or, for
 * previousCursor, the first) resource of a page by its sort key and id, the
 * query it belongs to, and when it was issued.
 */

/** Advertised as pagination.cursorTimeout: a cursor stays valid at least this long. */
export const CURSOR_TIMEOUT_SECONDS = 3600;

/** Base64url is within RFC 3986's unreserved characters, as RFC 9865 §2 asks of cursors. */
const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,200000}$/;

export interface CursorPayload {
  /** `after`: the page after the position (nextCursor); `before`: the page before it (previousCursor). */
  direction: 'after' | 'before';
  /** The sort key at the position as text, null when the resource has no value there. */
  key: string | null;
  id: string;
  /** Fingerprint of the query the cursor pages through. */
  query: string;
  /** Seconds since the epoch. */
  issuedAt: number;
}

const payloadSchema = z.object({
  d: z.enum(['a', 'b']),
  k: z.string().nullable(),
  i: z.string().min(1).max(64),
  q: z.string().min(1).max(64),
  t: z.number().int().nonnegative(),
});

export function encodeCursor(payload: CursorPayload): string {
  const wire = {
    d: payload.direction === 'after' ? 'a' : 'b',
    k: payload.key,
    i: payload.id,
    q: payload.query,
    t: payload.issuedAt,
  };

  return Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
}

/** @throws ScimError 400 `invalidCursor` for anything this service did not issue. */
export function decodeCursor(cursor: string): CursorPayload {
  if (!CURSOR_PATTERN.test(cursor)) throw invalidCursor();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const parsed = payloadSchema.safeParse(decoded);
  if (!parsed.success) throw invalidCursor();

  const { d, k, i, q, t } = parsed.data;

  return { direction: d === 'a' ? 'after' : 'before', key: k, id: i, query: q, issuedAt: t };
}

/**
 * Refuses a cursor of another query (another filter, sort or resource type)
 * and one older than the cursor timeout.
 *
 * @throws ScimError 400 `invalidCursor` or `expiredCursor` (RFC 9865 §2).
 */
export function checkCursor(payload: CursorPayload, query: string, now: Date): void {
  if (payload.query !== query) {
    throw invalidCursor(
      'This cursor belongs to another query: filter, sortBy and sortOrder must stay as they were ' +
        'when it was issued.',
    );
  }
  const age = Math.floor(now.getTime() / 1000) - payload.issuedAt;
  if (age > CURSOR_TIMEOUT_SECONDS) {
    throw new ScimError(
      400,
      'expiredCursor',
      `This cursor expired: cursors are valid for ${CURSOR_TIMEOUT_SECONDS} seconds ` +
        '(cursorTimeout). Start again from the first page with an empty "cursor".',
    );
  }
}

/** A short, stable digest of what defines a query's order and membership. */
export function queryFingerprint(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

export function invalidCursor(
  detail = 'The cursor is not one this service issued. Pass nextCursor or previousCursor from a ' +
    'previous page unchanged, or an empty "cursor" for the first page.',
): ScimError {
  return new ScimError(400, 'invalidCursor', detail);
}
