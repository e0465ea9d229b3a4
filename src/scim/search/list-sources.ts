import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type { Db } from '../../db/database';
import type { FilterTarget } from '../filter/to-sql';
import { groupFilterTarget, userFilterTarget } from '../filter/to-sql';
import { loadMembersOf } from '../groups/group-members';
import { toScimGroup } from '../groups/group-representation';
import type { Projection } from '../projection';
import { project, wantsAttribute } from '../projection';
import type { ScimObject } from '../resource/normalize';
import type { ResourceType } from '../schemas/resource-types';
import { groupResourceType, userResourceType } from '../schemas/resource-types';
import { loadUsersOf } from '../users/load-user';
import { representUsers } from '../users/user-response';

/** A resource type as lists see it: where its rows are, which SCIM sees, how to show them. */
export interface ListSource {
  resourceType: ResourceType;
  table: 'users' | 'groups';
  /** The filter target over the table under its own name. */
  target: FilterTarget;
  /** The rows of the table SCIM can see in a tenant. */
  visible(tenantId: string): RawBuilder<SqlBool>;
  /** Representations of the given resources, as the projection asks, by id. */
  represent(
    db: Db,
    tenantId: string,
    ids: string[],
    projection: Projection,
    baseUrl: string,
  ): Promise<Map<string, ScimObject>>;
}

export const userListSource: ListSource = {
  resourceType: userResourceType,
  table: 'users',
  target: userFilterTarget('users'),
  visible: (tenantId) => sql<SqlBool>`(users.tenant_id = ${tenantId} and users.deleted_at is null)`,
  async represent(db, tenantId, ids, projection, baseUrl) {
    const { rows, groups } = await loadUsersOf(db, tenantId, ids, wantsAttribute(projection, 'groups'));
    const users = await representUsers(db, rows, projection, baseUrl, groups);

    return new Map(rows.map((row, index) => [row.id, users[index] as ScimObject]));
  },
};

export const groupListSource: ListSource = {
  resourceType: groupResourceType,
  table: 'groups',
  target: groupFilterTarget('groups'),
  visible: (tenantId) => sql<SqlBool>`(groups.tenant_id = ${tenantId})`,
  async represent(db, tenantId, ids, projection, baseUrl) {
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectFrom('groups')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', ids)
      .execute();
    // `excludedAttributes=members` never loads members: a group may have 300,000 of them.
    const members = wantsAttribute(projection, 'members')
      ? await loadMembersOf(db, rows.map((row) => row.id))
      : undefined;
    const groups = new Map<string, ScimObject>();
    for (const row of rows) {
      groups.set(row.id, project(toScimGroup(row, members?.get(row.id), baseUrl), projection));
    }

    return groups;
  },
};
