import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, Role, UserRow } from '../db/schema';
import { computedRole, mappedGroupsOf, storedMapping } from './role-sql';

export interface MappedGroupGrant {
  id: string;
  displayName: string;
  role: Role;
}

/**
 * Why a user has the role the directory gives them, computed with the same
 * SQL as the re-evaluation that writes roles:
 *
 * - `mapped_groups`: the highest role of `groups` (every mapped group the
 *   user is in, highest role first);
 * - `default_role`: the user is in no mapped group and the tenant has a default;
 * - `none`: the account is deleted or inactive, or it is in no mapped group
 *   and the tenant has no default (`none_reason` says which).
 *
 * `role` is what the current directory state gives; the stored role, the one
 * introspection reports, catches up with it when a pending re-evaluation runs.
 */
export interface RoleExplanation {
  role: Role | null;
  granted_by: 'mapped_groups' | 'default_role' | 'none';
  none_reason: 'deleted' | 'inactive' | 'no_mapped_group_and_no_default_role' | null;
  groups: MappedGroupGrant[];
}

export interface ExplainedUser {
  user: UserRow;
  explanation: RoleExplanation;
}

/**
 * Loads a user of the tenant, deleted ones included, with the explanation of
 * its role; undefined when the tenant has no such user. Both reads see one
 * snapshot, so the explanation matches the user row it is returned with.
 */
export async function explainUserRole(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
): Promise<ExplainedUser | undefined> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const mapping = storedMapping(tenantId);
      const user = await trx
        .selectFrom('users as u')
        .selectAll('u')
        .select(computedRole(mapping).as('computed_role'))
        .where('u.tenant_id', '=', tenantId)
        .where('u.id', '=', userId)
        .executeTakeFirst();
      if (user === undefined) return undefined;

      const { rows: groups } = await sql<MappedGroupGrant>`
        select g.id, g.display_name as "displayName", mg.role
        from (${mappedGroupsOf(mapping, sql`${userId}`)}) mg
        join groups g on g.id = mg.group_id
        order by mg.rank, mg.group_id`.execute(trx);
      const { computed_role: role, ...row } = user;

      return { user: row, explanation: explain(row, role, groups) };
    });
}

function explain(user: UserRow, role: Role | null, groups: MappedGroupGrant[]): RoleExplanation {
  if (role === null) {
    const noneReason =
      user.deleted_at !== null
        ? 'deleted'
        : !user.active
          ? 'inactive'
          : 'no_mapped_group_and_no_default_role';

    return { role, granted_by: 'none', none_reason: noneReason, groups };
  }
  const grantedBy = groups.length > 0 ? 'mapped_groups' : 'default_role';

  return { role, granted_by: grantedBy, none_reason: null, groups };
}
