import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import type { UserRow } from '../../db/schema';
import { startAfterCommit } from '../../sync/start-after-commit';
import { mutability } from '../errors';
import { applyPatch } from '../resource/patch';
import { userResourceType } from '../schemas/resource-types';
import { checkVersion } from '../versioning';
import type { WriteScope } from '../write-scope';
import { writeScopeOf } from '../write-scope';
import { loadUser } from './load-user';
import { saveUser } from './save-user';
import { requestedUserProjection, sendUser } from './user-response';
import { toCanonicalUser, userVersion } from './user-representation';
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
  const { tenantId } = scope;

  const saved = await context.db.transaction().execute(async (trx) => {
    const current = await loadUser(trx, tenantId, userId, true);
    checkVersion(scope.ifMatch, userVersion(current));
    const { resource } = applyPatch(userResourceType, toCanonicalUser(current), body);
    // RFC 7643 §4.1.1 leaves active's meaning to the service provider: here an account is
    // always either active or not, so it cannot become unassigned (and never silently true).
    if (resource.active === undefined) {
      throw mutability('"active" cannot be removed; replace it with true or false instead.');
    }
    if (String(resource.userName).toLowerCase() !== current.user_name.toLowerCase()) {
      await assertUserNameFree(trx, tenantId, String(resource.userName), userId);
    }

    return saveUser(trx, scope.actor, current, resource, 'patch');
  });
  await startAfterCommit(context.db, context.workflows, saved.events, scope.logger);

  return saved.row;
}

/** RFC 7644 §3.5.2: PATCH /Users/{id}; the answer is always 200 with the resulting user. */
export function patchUser(context: AppContext): RequestHandler {
  return async (request, response) => {
    const projection = requestedUserProjection(request);

    const row = await patchUserResource(
      context,
      writeScopeOf(request),
      String(request.params.id),
      request.body,
    );

    await sendUser(context, request, response, 200, row, projection);
  };
}
