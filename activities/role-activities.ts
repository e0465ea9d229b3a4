import type { Db } from '../src/db/database';
import { recomputeRoles, userIdPage } from '../src/roles/compute-roles';

interface RoleStep {
  tenantId: string;
  syncEventId: string;
  reason: string;
}

/** Role re-evaluation steps; each is one transaction, safe to retry. */
export function createRoleActivities(db: Db) {
  return {
    async reevaluateUsers(input: RoleStep & { userIds: string[] }): Promise<{ changed: number }> {
      const changes = await recomputeRoles(db, input.tenantId, input.userIds, input.reason, input.syncEventId);

      return { changed: changes.length };
    },

    /** Re-evaluates the next page of the tenant's users after `afterUserId`. */
    async reevaluateUserPage(
      input: RoleStep & { afterUserId: string | null; pageSize: number },
    ): Promise<{ lastUserId: string | null; changed: number }> {
      const ids = await userIdPage(db, input.tenantId, input.afterUserId, input.pageSize);
      const changes = await recomputeRoles(db, input.tenantId, ids, input.reason, input.syncEventId);

      return { lastUserId: ids.length < input.pageSize ? null : (ids.at(-1) ?? null), changed: changes.length };
    },
  };
}
