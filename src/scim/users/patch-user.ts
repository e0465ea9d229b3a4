import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import type { UserRow } from '../../db/schema';
import { mutability } from '../errors';
import { applyPatch } from '../resource/patch';
import { userResourceType } from '../schemas/resource-types';
import type { WriteScope } from '../write-scope';
import { updateUser, userUpdateHandler } from './update-user';
import { toCanonicalUser } from './user-representation';
import { assertUserNameFree } from './user-name';

/**
 * RFC 7644 §3.5.2: applies a PatchOp to a user. All operations apply or
 * none; the sync events the write owes start their workflows once it has
 * committed. Shared by PATCH /Users/{id} and Bulk.
 *
 * @throws ScimError 404 for an unknown user, 412 for a stale version, 400
 *   for an operation applyPatch refuses, 409 `uniqueness`.
 */
export async function patchUserResource(
  context: AppContext,
  scope: WriteScope,
  userId: string,
  body: unknown,
): Promise<UserRow> {
  return updateUser(context, scope, userId, 'patch', async (trx, current) => {
    const { resource } = applyPatch(userResourceType, current.id, toCanonicalUser(current), body);
    // RFC 7643 §4.1.1 leaves active's meaning to the service provider: here an account is
    // always either active or not, so it cannot become unassigned (and never silently true).
    if (resource.active === undefined) {
      throw mutability('"active" cannot be removed; replace it with true or false instead.');
    }
    if (String(resource.userName).toLowerCase() !== current.user_name.toLowerCase()) {
      await assertUserNameFree(trx, scope.tenantId, String(resource.userName), userId);
    }

    return resource;
  });
}

/** RFC 7644 §3.5.2: PATCH /Users/{id}; the answer is always 200 with the resulting user. */
export function patchUser(context: AppContext): RequestHandler {
  return userUpdateHandler(context, patchUserResource);
}
