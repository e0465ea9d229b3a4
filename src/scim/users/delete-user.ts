import { sql } from 'kysely';
import type { RequestHandler } from 'express';
import type { AppContext } from '../../app-context';
import { recordAuditEvent } from '../../audit/record-audit-event';
import { actorOf } from '../../http/request-context';
import { roleReevaluationEvent } from '../../roles/role-sync-event';
import { startAfterCommit } from '../../sync/start-after-commit';
import { tenantOf } from '../authenticate';
import { checkIfMatch } from '../versioning';
import { loadUser } from './load-user';
import { deprovisionEvent } from './save-user';
import { userVersion } from './user-representation';

/**
 * RFC 7644 §3.6: DELETE /Users/{id}. SCIM stops seeing the user (404 from now
 * on); the Bulwark account stays, inactive, for audit, and is deprovisioned.
 * Group memberships end with it.
 */
export function deleteUser(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = tenantOf(request);
    const userId = String(request.params.id);

    const events = await context.db.transaction().execute(async (trx) => {
      const current = await loadUser(trx, tenantId, userId, true);
      checkIfMatch(request, userVersion(current));

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
      await recordAuditEvent(trx, actorOf(request, 'scim', tenantId), {
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
    await startAfterCommit(context.db, context.workflows, events, request.log);

    response.status(204).end();
  };
}
