import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import type { UserRow } from '../../db/schema';
import { assertIdUnchanged } from '../resource/immutable-id';
import { normalizeResource } from '../resource/normalize';
import { userResourceType } from '../schemas/resource-types';
import type { WriteScope } from '../write-scope';
import { updateUser, userUpdateHandler } from './update-user';
import { assertUserNameFree } from './user-name';

/**
 * RFC 7644 §3.5.1: replaces a user with a PUT body. Attributes not sent are
 * cleared, except `active`, which keeps its value; read-only ones are
 * ignored; `id` must match when given. The sync
 * events the write owes start their workflows once it has committed.
 * Shared by PUT /Users/{id} and Bulk.
 *
 * @throws ScimError 404 for an unknown user, 412 for a stale version, 400
 *   for a body normalizeResource refuses, 409 `uniqueness`.
 */
export async function replaceUserResource(
  context: AppContext,
  scope: WriteScope,
  userId: string,
  body: unknown,
): Promise<UserRow> {
  const next = normalizeResource(userResourceType, body, 'replace');
  assertIdUnchanged(body, userId);

  return updateUser(context, scope, userId, 'replace', async (trx, current) => {
    await assertUserNameFree(trx, scope.tenantId, String(next.userName), userId);

    // RFC 7643 §4.1.1 leaves active's meaning to the service provider, and here an account
    // is always active or not: a PUT that leaves it out (or sends null) keeps it as it is,
    // so that no IdP reactivates a deactivated user without saying so.
    return next.active === undefined || next.active === null
      ? { ...next, active: current.active }
      : next;
  });
}

/** RFC 7644 §3.5.1: PUT /Users/{id}. */
export function replaceUser(context: AppContext): RequestHandler {
  return userUpdateHandler(context, replaceUserResource);
}
