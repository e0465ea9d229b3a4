import type { Db } from '../src/db/database';
import { recomputeRoles, userIdPage } from '../src/roles/compute-roles';
import { NonRetryable, permanentFailure } from './errors';

interface RoleStep {
  tenantId: string;
  syncEventId: string;
  reason: string;
}

/** Role re-evaluation steps; each is one transaction, safe to retry. */
export function createRoleActivities(db: Db) {
  /**
   * A disabled SCIM connection means the directory no longer speaks for the
   * tenant, so its groups grant nothing new until SCIM is enabled again and
   * the event replayed. A tenant without any connection has no mapping to apply
   * and re-evaluates to its default role, as before.
   */
  async function assertDirectoryEnabled(tenantId: string): Promise<void> {
    const connection = await db
      .selectFrom('scim_connections')
      .select('enabled')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    if (connection?.enabled === false) {
      throw permanentFailure(
        NonRetryable.tenantDisabled,
        `SCIM is disabled for tenant ${tenantId}; enable it and replay the sync event`,
      );
    }
  }

  return {
    async reevaluateUsers(input: RoleStep & { userIds: string[] }): Promise<{ changed: number }> {
      await assertDirectoryEnabled(input.tenantId);
      const changes = await recomputeRoles(db, input.tenantId, input.userIds, input.reason, input.syncEventId);

      return { changed: changes.length };
    },

    /** Re-evaluates the next page of the tenant's users after `afterUserId`. */
    async reevaluateUserPage(
      input: RoleStep & { afterUserId: string | null; pageSize: number },
    ): Promise<{ lastUserId: string | null; changed: number }> {
      await assertDirectoryEnabled(input.tenantId);
      const ids = await userIdPage(db, input.tenantId, input.afterUserId, input.pageSize);
      const changes = await recomputeRoles(db, input.tenantId, ids, input.reason, input.syncEventId);

      return { lastUserId: ids.length < input.pageSize ? null : (ids.at(-1) ?? null), changed: changes.length };
    },
  };
}
