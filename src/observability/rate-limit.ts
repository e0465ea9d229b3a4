import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { ScimError } from '../scim/errors';

/**
 * Per-tenant back-pressure on SCIM (after authentication, keyed by tenant).
 * The default is far above what Okta or Entra send during a full sync, so
 * only a runaway client meets it; it answers 429 with Retry-After.
 */
export function scimRateLimit(requestsPerMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: requestsPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (request) => request.tenantId ?? 'unauthenticated',
    handler: (_request, response, next, options) => {
      const resetTime = (_request as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = resetTime === undefined ? 60 : Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000));
      next(
        new ScimError(429, undefined, `Too many requests for this tenant (limit ${options.limit} per minute); retry after ${retryAfter} s.`, {
          'Retry-After': String(retryAfter),
        }),
      );
    },
  });
}
