import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { Role } from '../db/schema';
import type { GroupRoleMapping } from './role-mapping';
import { ROLES_BY_RANK } from './role-mapping';

/**
 * A group-to-role mapping as SQL: the tenant's stored one (what re-evaluation
 * and the explanation read) or a proposed one (what a preview evaluates
 * without saving it). Either way the role rules below are the same SQL.
 */
export interface MappingSql {
  /** A derived table with the columns (group_id, role). */
  entries: RawBuilder<unknown>;
  defaultRole: RawBuilder<Role | null>;
}

export function storedMapping(tenantId: string): MappingSql {
  return {
    entries: sql`(
      select e->>'group_id' as group_id, e->>'role' as role
      from scim_connections c, jsonb_array_elements(c.group_role_mapping) e
      where c.tenant_id = ${tenantId})`,
    defaultRole: sql<Role | null>`(
      select default_role from scim_connections where tenant_id = ${tenantId})`,
  };
}

export function proposedMapping(mapping: GroupRoleMapping): MappingSql {
  return {
    entries: sql`(
      select e->>'group_id' as group_id, e->>'role' as role
      from jsonb_array_elements(${JSON.stringify(mapping.group_role_mapping)}::jsonb) e)`,
    defaultRole: sql<Role | null>`${mapping.default_role}::text`,
  };
}

/**
 * The mapped groups a user is a member of, highest role first, as rows
 * (group_id, role, rank), rank 1 being the highest role. This is the one
 * definition of which groups give a user a role: re-evaluation, preview and
 * explanation all read it.
 */
export function mappedGroupsOf(
  mapping: MappingSql,
  userId: RawBuilder<string>,
): RawBuilder<unknown> {
  return sql`
    select gm.group_id, m.role, array_position(${ROLES_BY_RANK}::text[], m.role) as rank
    from group_members gm
    join ${mapping.entries} m on m.group_id = gm.group_id
    where gm.user_id = ${userId}
    order by rank, gm.group_id`;
}

/**
 * The role the directory gives the user of the row aliased `u`: none while
 * the account is inactive or deleted, else the highest role of its mapped
 * groups, else the default role (which may be none).
 */
export function computedRole(mapping: MappingSql): RawBuilder<Role | null> {
  const best = sql`(select g.role from (${mappedGroupsOf(mapping, sql.ref('u.id'))}) g limit 1)`;

  return sql<Role | null>`
    case when not u.active or u.deleted_at is not null then null
    else coalesce(${best}, ${mapping.defaultRole}) end`;
}
