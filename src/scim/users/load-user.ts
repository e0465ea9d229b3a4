import type { Kysely } from 'kysely';
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
