import type { Kysely } from 'kysely';
import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import type { Database, UserRow } from '../../db/schema';
import { startAfterCommit } from '../../sync/start-after-commit';
import type { ScimObject } from '../resource/normalize';
import { checkVersion } from '../versioning';
import type { WriteScope } from '../write-scope';
import { writeScopeOf } from '../write-scope';
import { loadUser } from './load-user';
import { saveUser } from './save-user';
import { requestedUserProjection, sendUser } from './user-response';
import { userVersion } from './user-representation';

/** Derives a user's next state from the stored one, inside the write's transaction. */
export type NextUserState = (trx: Kysely<Database>, current: UserRow) => Promise<ScimObject>;

/** A PUT or PATCH of one user, as PUT/PATCH /Users/{id} and Bulk run it. */
export type UserUpdate = (
  context: AppContext,
  scope: WriteScope,
  userId: string,
  body: unknown,
) => Promise<UserRow>;

/**
 * What PUT and PATCH of a user share (RFC 7644 §3.5): the user is locked,
 * a stale If-Match refused (§3.14), the state `next` derives saved, and the
 * sync events the write owes start their workflows once it has committed.
 *
 * @throws ScimError 404 for an unknown user, 412 for a stale version, and
 *   whatever `next` throws.
 */
export async function updateUser(
  context: AppContext,
  scope: WriteScope,
  userId: string,
  operation: 'replace' | 'patch',
  next: NextUserState,
): Promise<UserRow> {
  const saved = await context.db.transaction().execute(async (trx) => {
    const current = await loadUser(trx, scope.tenantId, userId, true);
    checkVersion(scope.ifMatch, userVersion(current));

    return saveUser(trx, scope.actor, current, await next(trx, current), operation);
  });
  await startAfterCommit(context.db, context.workflows, saved.events, scope.logger);

  return saved.row;
}

/** PUT and PATCH /Users/{id}: the update, then 200 with the resulting user as the query asks. */
export function userUpdateHandler(context: AppContext, update: UserUpdate): RequestHandler {
  return async (request, response) => {
    const projection = requestedUserProjection(request);

    const scope = writeScopeOf(request);
    const row = await update(context, scope, String(request.params.id), request.body);

    await sendUser(context, request, response, 200, row, projection);
  };
}
