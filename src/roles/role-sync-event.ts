import type { Kysely, QueryCreator } from 'kysely';
import type { Database, SyncEventRow } from '../db/schema';
import { createSyncEvent } from '../sync/sync-event';

/**
 * Above this many users a re-evaluation pages through the whole tenant
 * instead of carrying ids. A bulk push of 10,000 members is an ordinary IdP
 * shape and must not cost a pass over a tenant of 300,000 users (16.6 s
 * against 1.1 s in bench/group-scale.ts); 10,000 ids are about
 * 300 kB of sync-event payload and workflow input, within Temporal's limits.
 *
 * TODO(roles): the ids travel in the workflow input and again in the activity
 * input; reading them from the sync event inside the activity would keep
 * Temporal history small and let this limit rise to a request's 100,000 ids.
 */
export const MAX_LISTED_USERS = 10_000;

/**
 * Reads the tenant's mapping under a share lock, so a membership change and
 * a mapping replacement serialize: whichever commits second sees the other.
 */
export async function lockedMapping(trx: Kysely<Database>, tenantId: string) {
  const row = await trx
    .selectFrom('scim_connections')
    .select(['group_role_mapping', 'default_role'])
    .where('tenant_id', '=', tenantId)
    .forShare()
    .executeTakeFirst();

  return row ?? { group_role_mapping: [], default_role: null };
}

/**
 * The tenant's default role as a subquery for a write that assigns it, under
 * the same share lock as lockedMapping.
 */
export function defaultRoleUnderShareLock(db: QueryCreator<Database>, tenantId: string) {
  return db
    .selectFrom('scim_connections')
    .select('default_role')
    .where('tenant_id', '=', tenantId)
    .forShare();
}

export async function isMappedGroup(
  trx: Kysely<Database>,
  tenantId: string,
  groupId: string,
): Promise<boolean> {
  const mapping = await lockedMapping(trx, tenantId);

  return mapping.group_role_mapping.some((entry) => entry.group_id === groupId);
}

/**
 * Owes a role re-evaluation, in the caller's transaction: of the listed users,
 * or of every user of the tenant when `userIds` is null or too long.
 */
export function roleReevaluationEvent(
  trx: Kysely<Database>,
  tenantId: string,
  cause: { resourceType: 'User' | 'Group' | 'Tenant'; resourceId: string; reason: string },
  userIds: string[] | null,
): Promise<SyncEventRow> {
  const listed =
    userIds !== null && userIds.length <= MAX_LISTED_USERS ? [...new Set(userIds)] : null;

  return createSyncEvent(trx, {
    tenantId,
    kind: 'reevaluate_roles',
    resourceType: cause.resourceType,
    resourceId: cause.resourceId,
    payload: { reason: cause.reason, userIds: listed },
  });
}

/** Current member ids of a group (for a re-evaluation of who was in it). */
export async function memberIds(
  trx: Kysely<Database>,
  groupId: string,
  limit: number,
): Promise<string[]> {
  const rows = await trx
    .selectFrom('group_members')
    .select('user_id')
    .where('group_id', '=', groupId)
    .limit(limit)
    .execute();

  return rows.map((row) => row.user_id);
}
