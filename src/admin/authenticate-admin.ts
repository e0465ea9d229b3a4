import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ScimError } from '../scim/errors';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Guards the admin and platform APIs with ADMIN_API_KEY. Both sides are hashed
 * first so the comparison is constant-time whatever the lengths.
 */
export function authenticateAdmin(adminApiKey: string): RequestHandler {
  const expected = digest(adminApiKey);

  return (request, _response, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.header('authorization') ?? '');
    if (match?.[1] === undefined || !timingSafeEqual(digest(match[1]), expected)) {
      throw new ScimError(401, undefined, 'Send the admin API key as "Authorization: Bearer <key>".', {
        'WWW-Authenticate': 'Bearer realm="admin"',
      });
    }
    next();
  };
}
