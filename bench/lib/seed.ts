import { sql } from 'kysely';
import type { Db } from '../../src/db/database';
import { newId } from '../../src/ids';
import { call, GROUP_SCHEMA, USER_SCHEMA } from './load';
import type { Service } from './service';
import { progress } from './stats';

/** Rows per insert: two array parameters, so no parameter limit applies. */
const BATCH = 50_000;

export interface Tenant {
  tenantId: string;
  scimToken: string;
}

/** A tenant with SCIM enabled, made through the admin API as an operator would. */
export async function scimTenant(service: Service, name: string): Promise<Tenant> {
  const tenant = await call(service.baseUrl, service.adminKey, 'POST', '/admin/v1/tenants', { name });
  const path = `/admin/v1/tenants/${tenant.id}/scim`;
  const { token } = await call(service.baseUrl, service.adminKey, 'POST', path);

  return { tenantId: tenant.id, scimToken: token };
}

export async function createGroup(service: Service, tenant: Tenant, displayName: string): Promise<string> {
  const body = { schemas: [GROUP_SCHEMA], displayName };

  return (await call(service.baseUrl, tenant.scimToken, 'POST', '/scim/v2/Groups', body)).id;
}

/** Setup only: SCIM users straight into the table, `<label>.<n>@bench.example.com`. */
export async function insertUsers(db: Db, tenantId: string, label: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => newId('usr'));
  const resource = JSON.stringify({ schemas: [USER_SCHEMA] });
  for (let start = 0; start < count; start += BATCH) {
    const batch = ids.slice(start, start + BATCH);
    const names = batch.map((_, index) => `${label}.${start + index}@bench.example.com`);
    await sql`
      insert into users (id, tenant_id, user_name, active, source, resource)
      select id, ${tenantId}, name, true, 'scim', ${resource}::jsonb
      from unnest(${batch}::text[], ${names}::text[]) as t(id, name)`.execute(db);
    if (count > BATCH) progress(`${Math.min(start + BATCH, count)}/${count} ${label} users inserted`);
  }
  await sql`analyze users`.execute(db);

  return ids;
}

export async function insertMemberships(db: Db, tenantId: string, groupId: string, userIds: string[]) {
  for (let start = 0; start < userIds.length; start += BATCH) {
    const batch = userIds.slice(start, start + BATCH);
    await sql`
      insert into group_members (tenant_id, group_id, user_id)
      select ${tenantId}, ${groupId}, id from unnest(${batch}::text[]) as id`.execute(db);
    if (userIds.length > BATCH) {
      progress(`${Math.min(start + BATCH, userIds.length)}/${userIds.length} memberships inserted`);
    }
  }
  await sql`analyze group_members`.execute(db);
}

type Mapping = Array<{ group_id: string; role: 'admin' | 'member' | 'viewer' }>;

export function mapGroups(service: Service, tenant: Tenant, mapping: Mapping) {
  const path = `/admin/v1/tenants/${tenant.tenantId}/scim/group-role-mapping`;

  return call(service.baseUrl, service.adminKey, 'PUT', path, { group_role_mapping: mapping, default_role: null });
}

/** Waits until every sync event of the tenant has completed; throws on a failed one. */
export async function settled(db: Db, tenantId: string, pollMs = 20): Promise<void> {
  for (;;) {
    const open = await db
      .selectFrom('sync_events')
      .select(['id', 'state', 'last_error'])
      .where('tenant_id', '=', tenantId)
      .where('state', '!=', 'completed')
      .execute();
    const failed = open.find((event) => event.state === 'failed');
    if (failed !== undefined) throw new Error(`sync event ${failed.id} failed: ${failed.last_error}`);
    if (open.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

export async function countWithRole(db: Db, tenantId: string, role: 'member' | 'viewer'): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', tenantId)
    .where('role', '=', role)
    .executeTakeFirstOrThrow();

  return Number(row.count);
}
