import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database, UserRow } from '../../db/schema';
import type { GroupReference } from './user-representation';
import { notFound } from '../errors';

/**
 * A user of the tenant that SCIM can see (not deleted), optionally locked for
 * update. Another tenant's id is indistinguishable from a missing one: 404.
 */
export async function loadUser(
  db: Kysely<Database>,
  tenantId: string,
  userId: string,
  lock = false,
): Promise<UserRow> {
  let query = db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .where('deleted_at', 'is', null);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (row === undefined) throw notFound(`User "${userId}" not found.`);

  return row;
}

/** The groups of each user, in one query for a whole page of users. */
export async function loadGroupsOf(
  db: Kysely<Database>,
  userIds: string[],
): Promise<Map<string, GroupReference[]>> {
  const byUser = new Map<string, GroupReference[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return byUser;

  const rows = await db
    .selectFrom('group_members as m')
    .innerJoin('groups as g', 'g.id', 'm.group_id')
    .select(['m.user_id', 'g.id', 'g.display_name'])
    .where('m.user_id', 'in', userIds)
    .orderBy('g.id')
    .execute();
  for (const row of rows) byUser.get(row.user_id)?.push({ id: row.id, display_name: row.display_name });

  return byUser;
}

/**
 * The visible users of the tenant among `userIds`, each with its groups when
 * `withGroups`, in one query: a list page costs one round trip, not two.
 */
export async function loadUsersOf(
  db: Kysely<Database>,
  tenantId: string,
  userIds: string[],
  withGroups: boolean,
): Promise<{ rows: UserRow[]; groups: Map<string, GroupReference[]> | undefined }> {
  if (userIds.length === 0) return { rows: [], groups: withGroups ? new Map() : undefined };
  const visible = db
    .selectFrom('users')
    .selectAll('users')
    .where('users.tenant_id', '=', tenantId)
    .where('users.id', 'in', userIds)
    .where('users.deleted_at', 'is', null);
  if (!withGroups) return { rows: await visible.execute(), groups: undefined };

  const found = await visible
    .select(
      sql<GroupReference[]>`coalesce((
        select json_agg(json_build_object('id', g.id, 'display_name', g.display_name) order by g.id)
        from group_members as m join groups as g on g.id = m.group_id
        where m.user_id = users.id), '[]'::json)`.as('group_references'),
    )
    .execute();
  const groups = new Map<string, GroupReference[]>();
  const rows = found.map(({ group_references: references, ...row }) => {
    groups.set(row.id, references);

    return row;
  });

  return { rows, groups };
}
