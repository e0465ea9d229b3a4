import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { systemActor } from '../audit/record-audit-event';
import type { Database, Role } from '../db/schema';
import { newId } from '../ids';
import { computedRole, storedMapping } from './role-sql';

export interface RoleChange {
  user_id: string;
  old_role: Role | null;
  new_role: Role | null;
}

/** Users per transaction of a re-evaluation. */
const RECOMPUTE_CHUNK = 1000;
/** Rows per audit insert: 1,000 rows of 11 columns stay below PostgreSQL's 65,535 parameters. */
const AUDIT_BATCH = 1000;

/**
 * Recomputes from scratch, for the given users of a tenant, the role the
 * current directory state gives them, and writes the ones that differ with a
 * `role.changed` audit event each.
 *
 * Re-evaluations of one tenant take a transaction-scoped advisory lock, so
 * they run one at a time and each reads the state committed before it: the
 * last one to run after any change leaves every user right, whatever the
 * interleaving of writes and workflows. Long lists go in transactions of
 * RECOMPUTE_CHUNK users, so that neither that lock nor the users' row locks
 * (which SCIM writes of those users wait for) are held for long; each chunk
 * is right on its own, so the rule above holds chunk by chunk.
 */
export async function recomputeRoles(
  db: Kysely<Database>,
  tenantId: string,
  userIds: string[],
  reason: string,
  syncEventId: string,
): Promise<RoleChange[]> {
  const changes: RoleChange[] = [];
  for (let start = 0; start < userIds.length; start += RECOMPUTE_CHUNK) {
    const chunk = userIds.slice(start, start + RECOMPUTE_CHUNK);
    changes.push(...(await recomputeChunk(db, tenantId, chunk, reason, syncEventId)));
  }

  return changes;
}

async function recomputeChunk(
  db: Kysely<Database>,
  tenantId: string,
  userIds: string[],
  reason: string,
  syncEventId: string,
): Promise<RoleChange[]> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`roles:${tenantId}`}))`.execute(trx);
    const { rows } = await sql<RoleChange>`
      with computed as (
        select u.id, u.role as old_role, ${computedRole(storedMapping(tenantId))} as new_role
        from users u
        where u.tenant_id = ${tenantId} and u.id = any(${userIds}::text[])
        for update of u
      )
      update users set role = computed.new_role
      from computed
      where users.id = computed.id and users.role is distinct from computed.new_role
      returning users.id as user_id, computed.old_role, computed.new_role`.execute(trx);
    await recordRoleChanges(trx, tenantId, rows, reason, syncEventId);

    return rows;
  });
}

/**
 * One `role.changed` audit event per change, written in batches: a mapping
 * change can move tens of thousands of roles, and a round trip per event
 * would dominate the re-evaluation. The idempotency key makes a retried
 * activity's events land once.
 */
async function recordRoleChanges(
  trx: Kysely<Database>,
  tenantId: string,
  changes: RoleChange[],
  reason: string,
  syncEventId: string,
): Promise<void> {
  for (let start = 0; start < changes.length; start += AUDIT_BATCH) {
    const batch = changes.slice(start, start + AUDIT_BATCH).map((change) => ({
      id: newId('evt'),
      tenant_id: tenantId,
      actor_type: systemActor.type,
      actor_id: systemActor.id,
      action: 'role.changed',
      target_type: 'User',
      target_id: change.user_id,
      details: JSON.stringify({
        old_role: change.old_role,
        new_role: change.new_role,
        reason,
        sync_event_id: syncEventId,
      }),
      idempotency_key: `${syncEventId}:role:${change.user_id}`,
    }));
    await trx
      .insertInto('audit_events')
      .values(batch)
      .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
      .execute();
  }
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
