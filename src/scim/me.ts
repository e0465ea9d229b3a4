import type { RequestHandler } from 'express';
import { ScimError } from './errors';

/**
 * RFC 7644 §3.11: a service provider that cannot tell which resource the
 * authenticated subject is may answer /Me with 501. Here the bearer token
 * belongs to a tenant's directory connection, not to a user.
 */
export const meNotImplemented: RequestHandler = () => {
  throw new ScimError(
    501,
    undefined,
    '/Me is not supported: the SCIM token authenticates a directory connection, not a user. ' +
      'Address users at /Users/{id}.',
  );
};
