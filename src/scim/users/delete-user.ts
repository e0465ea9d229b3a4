import { sql } from 'kysely';
import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import { recordAuditEvent } from '../../audit/record-audit-event';
import { roleReevaluationEvent } from '../../roles/role-sync-event';
import { startAfterCommit } from '../../sync/start-after-commit';
import { checkVersion } from '../versioning';
import type { WriteScope } from '../write-scope';
import { writeScopeOf } from '../write-scope';
import { loadUser } from './load-user';
import { deprovisionEvent } from './save-user';
import { userVersion } from './user-representation';

/**
 * RFC 7644 §3.6: SCIM stops seeing the user (404 from now on); the Bulwark
 * account stays, inactive, for audit, and is deprovisioned. Group
 * memberships end with it. Shared by DELETE /Users/{id} and Bulk.
 *
 * @throws ScimError 404 for an unknown user, 412 for a stale version.
 */
export async function deleteUserResource(
  context: AppContext,
  scope: WriteScope,
  userId: string,
): Promise<void> {
  const { tenantId } = scope;

  const events = await context.db.transaction().execute(async (trx) => {
    const current = await loadUser(trx, tenantId, userId, true);
    checkVersion(scope.ifMatch, userVersion(current));

    await trx
      .updateTable('users')
      .set({
        active: false,
        deleted_at: sql`now()`,
        updated_at: sql`now()`,
        version: sql`version + 1`,
      })
      .where('id', '=', userId)
      .execute();
    await trx.deleteFrom('group_members').where('user_id', '=', userId).execute();
    await recordAuditEvent(trx, scope.actor, {
      tenantId,
      action: 'scim.user.deleted',
      targetType: 'User',
      targetId: userId,
    });

    const cause = { resourceType: 'User' as const, resourceId: userId, reason: 'user deleted' };

    return [
      await deprovisionEvent(trx, tenantId, userId, 'deleted'),
      await roleReevaluationEvent(trx, tenantId, cause, [userId]),
    ];
  });
  await startAfterCommit(context.db, context.workflows, events, scope.logger);
}

/** RFC 7644 §3.6: DELETE /Users/{id}. */
export function deleteUser(context: AppContext): RequestHandler {
  return async (request, response) => {
    await deleteUserResource(context, writeScopeOf(request), String(request.params.id));

    response.status(204).end();
  };
}
