import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Actor } from '../../audit/record-audit-event';
import { recordAuditEvent } from '../../audit/record-audit-event';
import type { Database, SyncEventRow, UserRow } from '../../db/schema';
import { roleReevaluationEvent } from '../../roles/role-sync-event';
import { createSyncEvent } from '../../sync/sync-event';
import type { ScimObject } from '../resource/normalize';
import { jsonEqual } from '../resource/json-value';
import { toStoredUser } from './user-representation';

export interface SavedUser {
  row: UserRow;
  events: SyncEventRow[];
}

/**
 * Writes a new state of an existing user, with its audit event and, when
 * the user went from active to inactive, the deprovisioning sync event — all
 * in the caller's transaction. An unchanged user is left as it is (no version bump).
 */
export async function saveUser(
  trx: Kysely<Database>,
  actor: Actor,
  current: UserRow,
  next: ScimObject,
  operation: 'replace' | 'patch',
): Promise<SavedUser> {
  const stored = toStoredUser(next);
  // A SCIM write of a user that signed in just in time makes SCIM its owner,
  // even when it only re-asserts what is stored: that is how IdPs link.
  const claimed = current.source !== 'scim';
  const unchanged =
    !claimed &&
    stored.user_name === current.user_name &&
    stored.external_id === current.external_id &&
    stored.active === current.active &&
    jsonEqual(stored.resource, current.resource);
  if (unchanged) return { row: current, events: [] };

  const deactivated = current.active && !stored.active;
  const reactivated = !current.active && stored.active;
  const row = await trx
    .updateTable('users')
    .set({
      user_name: stored.user_name,
      external_id: stored.external_id,
      active: stored.active,
      resource: JSON.stringify(stored.resource),
      version: sql`version + 1`,
      updated_at: sql`now()`,
      // Reactivation restores the account, not the tokens issued before the deactivation,
      // whether or not the deprovisioning workflow has revoked them yet.
      ...(reactivated ? { deprovisioned_at: null } : {}),
      ...(deactivated ? { tokens_invalid_before: sql`now()` } : {}),
      source: 'scim',
    })
    .where('id', '=', current.id)
    .returningAll()
    .executeTakeFirstOrThrow();

  await recordAuditEvent(trx, actor, {
    tenantId: current.tenant_id,
    action: 'scim.user.updated',
    targetType: 'User',
    targetId: current.id,
    details: { operation, attributes: changedAttributes(current, stored) },
  });

  if (claimed) {
    await recordAuditEvent(trx, actor, {
      tenantId: current.tenant_id,
      action: 'user.source_changed',
      targetType: 'User',
      targetId: current.id,
      details: { from: current.source, to: 'scim', operation },
    });
  }

  const events: SyncEventRow[] = [];
  if (deactivated) {
    events.push(await deprovisionEvent(trx, current.tenant_id, current.id, 'deactivated'));
  }
  if (deactivated || reactivated) {
    const reason = deactivated ? 'user deactivated' : 'user reactivated';
    const cause = { resourceType: 'User' as const, resourceId: current.id, reason };
    events.push(await roleReevaluationEvent(trx, current.tenant_id, cause, [current.id]));
  }
  if (reactivated) {
    await recordAuditEvent(trx, actor, {
      tenantId: current.tenant_id,
      action: 'user.reactivated',
      targetType: 'User',
      targetId: current.id,
    });
  }

  return { row, events };
}

export function deprovisionEvent(
  trx: Kysely<Database>,
  tenantId: string,
  userId: string,
  reason: 'deactivated' | 'deleted',
): Promise<SyncEventRow> {
  return createSyncEvent(trx, {
    tenantId,
    kind: 'deprovision',
    resourceType: 'User',
    resourceId: userId,
    payload: { reason },
  });
}

/** Names only: the audit log records what changed, never the personal data itself. */
function changedAttributes(current: UserRow, next: ReturnType<typeof toStoredUser>): string[] {
  const changed: string[] = [];
  if (current.user_name !== next.user_name) changed.push('userName');
  if (current.external_id !== next.external_id) changed.push('externalId');
  if (current.active !== next.active) changed.push('active');
  const keys = new Set([...Object.keys(current.resource), ...Object.keys(next.resource)]);
  for (const key of keys) {
    if (!jsonEqual(current.resource[key], next.resource[key])) changed.push(key);
  }

  return changed.sort();
}
