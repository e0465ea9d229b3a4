import { ScimError } from '../scim/errors';

/** SQLSTATE classes that mean the database is unreachable or restarting, not that we erred. */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/**
 * Translates database errors at the edge: an unreachable database is a
 * retryable 503 (IdPs retry), anything else stays an internal error.
 */
export function translateDatabaseError(error: unknown): ScimError | undefined {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : '';
  const unavailable =
    (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_NODE_CODES.has(code))) ||
    // "… is not queryable": the ROLLBACK after a lost connection fails too and masks the first error.
    /Connection terminated|timeout exceeded when trying to connect|is not queryable/i.test(message);
  // Text PostgreSQL cannot store (NUL, invalid encoding) that slipped past the request guard.
  if (code === '22021' || code === '22P05') {
    return new ScimError(400, 'invalidValue', 'A value contains characters that cannot be stored.');
  }
  // A value too large for an index entry that the request checks did not foresee.
  if (code === '54000') {
    return new ScimError(400, 'invalidValue', 'A value is too long to be stored; shorten it.');
  }
  // Two writers raced past the application's own uniqueness check.
  if (code === '23505') {
    return new ScimError(409, 'uniqueness', 'Another resource already holds this unique value.');
  }
  if (!unavailable) return undefined;

  return new ScimError(503, undefined, 'The directory database is unavailable; retry shortly.', {
    'Retry-After': '5',
  });
}
