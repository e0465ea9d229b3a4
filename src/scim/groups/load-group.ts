import type { Kysely } from 'kysely';
import type { Database, GroupRow } from '../../db/schema';
import { notFound } from '../errors';

/** A group of the tenant, optionally locked; another tenant's id is a plain 404. */
export async function loadGroup(
  db: Kysely<Database>,
  tenantId: string,
  groupId: string,
  lock = false,
): Promise<GroupRow> {
  let query = db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId).where('id', '=', groupId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (row === undefined) throw notFound(`Group "${groupId}" not found.`);

  return row;
}
