import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import type { UserRow } from '../../db/schema';
import { startAfterCommit } from '../../sync/start-after-commit';
import { mutability } from '../errors';
import { normalizeResource } from '../resource/normalize';
import { userResourceType } from '../schemas/resource-types';
import { checkVersion } from '../versioning';
import type { WriteScope } from '../write-scope';
import { writeScopeOf } from '../write-scope';
import { loadUser } from './load-user';
import { saveUser } from './save-user';
import { requestedUserProjection, sendUser } from './user-response';
import { userVersion } from './user-representation';
import { assertUserNameFree } from './user-name';

/**
 * RFC 7644 §3.5.1: replaces a user with a PUT body. Attributes not sent are
 * cleared, read-only ones ignored; `id` must match when given. The sync
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
  const { tenantId } = scope;
  const next = normalizeResource(userResourceType, body, 'replace');
  const givenId = (body as { id?: unknown })?.id;
  if (givenId !== undefined && givenId !== userId) {
    throw mutability(
      `"id" is immutable: the body names "${String(givenId)}", the URL "${userId}".`,
    );
  }

  const saved = await context.db.transaction().execute(async (trx) => {
    const current = await loadUser(trx, tenantId, userId, true);
    checkVersion(scope.ifMatch, userVersion(current));
    await assertUserNameFree(trx, tenantId, String(next.userName), userId);

    return saveUser(trx, scope.actor, current, next, 'replace');
  });
  await startAfterCommit(context.db, context.workflows, saved.events, scope.logger);

  return saved.row;
}

/** RFC 7644 §3.5.1: PUT /Users/{id}. */
export function replaceUser(context: AppContext): RequestHandler {
  return async (request, response) => {
    const projection = requestedUserProjection(request);

    const row = await replaceUserResource(
      context,
      writeScopeOf(request),
      String(request.params.id),
      request.body,
    );

    await sendUser(context, request, response, 200, row, projection);
  };
}
