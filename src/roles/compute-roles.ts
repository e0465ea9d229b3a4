import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { recordAuditEvent, systemActor } from '../audit/record-audit-event';
import type { Database } from '../db/schema';

export interface RoleChange {
  user_id: string;
  old_role: string | null;
  new_role: string | null;
}

/**
 * Recomputes from scratch, for the given users of a tenant, the role the
 * current directory state gives them, and writes the ones that differ with a
 * `role.changed` audit event each.
 *
 * Re-evaluations of one tenant take a transaction-scoped advisory lock, so
 * they run one at a time and each reads the state committed before it: the
 * last one to run after any change leaves every user right, whatever the
 * interleaving of writes and workflows.
 */
export async function recomputeRoles(
  db: Kysely<Database>,
  tenantId: string,
  userIds: string[],
  reason: string,
  syncEventId: string,
): Promise<RoleChange[]> {
  if (userIds.length === 0) return [];

  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`roles:${tenantId}`}))`.execute(trx);
    const { rows } = await sql<RoleChange>`
      with mapping as (
        select m->>'group_id' as group_id, m->>'role' as role
        from scim_connections c, jsonb_array_elements(c.group_role_mapping) m
        where c.tenant_id = ${tenantId}
      ),
      computed as (
        select u.id, u.role as old_role,
          case when not u.active or u.deleted_at is not null then null
          else coalesce(
            (select mapping.role from group_members gm
               join mapping on mapping.group_id = gm.group_id
              where gm.user_id = u.id
              order by case mapping.role when 'admin' then 3 when 'member' then 2 else 1 end desc
              limit 1),
            (select default_role from scim_connections where tenant_id = ${tenantId}))
          end as new_role
        from users u
        where u.tenant_id = ${tenantId} and u.id = any(${userIds}::text[])
        for update of u
      )
      update users set role = computed.new_role
      from computed
      where users.id = computed.id and users.role is distinct from computed.new_role
      returning users.id as user_id, computed.old_role, computed.new_role`.execute(trx);

    for (const change of rows) {
      await recordAuditEvent(trx, systemActor, {
        tenantId,
        action: 'role.changed',
        targetType: 'User',
        targetId: change.user_id,
        details: { old_role: change.old_role, new_role: change.new_role, reason, sync_event_id: syncEventId },
        idempotencyKey: `${syncEventId}:role:${change.user_id}`,
      });
    }

    return rows;
  });
}

/** One page of a tenant's users in id order, for re-evaluating a whole tenant. */
export async function userIdPage(
  db: Kysely<Database>,
  tenantId: string,
  afterUserId: string | null,
  limit: number,
): Promise<string[]> {
  let query = db.selectFrom('users').select('id').where('tenant_id', '=', tenantId);
  if (afterUserId !== null) query = query.where('id', '>', afterUserId);
  const rows = await query.orderBy('id').limit(limit).execute();

  return rows.map((row) => row.id);
}
