import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { notFound } from '../scim/errors';

export async function loadTenant(db: Kysely<Database>, tenantId: string) {
  const tenant = await db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
  if (tenant === undefined) throw notFound(`Tenant "${tenantId}" not found.`);

  return tenant;
}
