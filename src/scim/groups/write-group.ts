import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Actor } from '../../audit/record-audit-event';
import { recordAuditEvent } from '../../audit/record-audit-event';
import type { Database, GroupRow, SyncEventRow } from '../../db/schema';
import { MAX_LISTED_USERS, isMappedGroup, memberIds, roleReevaluationEvent } from '../../roles/role-sync-event';
import type { ScimObject } from '../resource/normalize';
import type { MemberOperation } from '../resource/patch';
import { applyMemberOperations } from './group-members';

/**
 * Writes a group's attributes and member operations in the caller's
 * transaction, with one audit event. The version moves only when something changed.
 */
export async function writeGroup(
  trx: Kysely<Database>,
  actor: Actor,
  current: GroupRow,
  next: ScimObject,
  memberOperations: MemberOperation[],
  operation: 'replace' | 'patch',
): Promise<{ row: GroupRow; events: SyncEventRow[] }> {
  const affected = (await isMappedGroup(trx, current.tenant_id, current.id))
    ? await affectedUsers(trx, current.id, memberOperations)
    : undefined;
  const displayName = String(next.displayName);
  const externalId = typeof next.externalId === 'string' ? next.externalId : null;
  const attributesChanged = displayName !== current.display_name || externalId !== current.external_id;
  const { changed: membersChanged } = await applyMemberOperations(trx, current.tenant_id, current.id, memberOperations);
  if (!attributesChanged && membersChanged === 0) return { row: current, events: [] };

  const row = await trx
    .updateTable('groups')
    .set({ display_name: displayName, external_id: externalId, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAuditEvent(trx, actor, {
    tenantId: current.tenant_id,
    action: 'scim.group.updated',
    targetType: 'Group',
    targetId: current.id,
    details: {
      operation,
      attributes_changed: attributesChanged,
      member_operations: memberOperations.map((member) => ({
        op: member.op,
        count: 'ids' in member ? member.ids.length : undefined,
      })),
    },
  });
  // TODO(roles): every membership change of a mapped group owes a workflow, and
  // the request waits for its start (up to 1 s): a one-member PATCH takes ~10 ms
  // unmapped, ~120 ms mapped under load (bench/suite.ts). Not waiting is no cure:
  // the wait is also what slows IdPs down while Temporal is unreachable, and without
  // it the backlog outgrew the catch-up (test/faults/temporal-outage.test.ts).
  // Coalescing the re-evaluations of a tenant into one workflow would.
  const events =
    affected === undefined || membersChanged === 0
      ? []
      : [
          await roleReevaluationEvent(
            trx,
            current.tenant_id,
            { resourceType: 'Group', resourceId: current.id, reason: 'group membership changed' },
            affected,
          ),
        ];

  return { row, events };
}

/**
 * The users a role could change for: those named by the operations, plus the
 * current members when the operations replace or clear the group. Null when
 * there are too many to list (the whole tenant is then re-evaluated).
 */
async function affectedUsers(
  trx: Kysely<Database>,
  groupId: string,
  operations: MemberOperation[],
): Promise<string[] | null> {
  const ids = new Set<string>();
  for (const operation of operations) {
    if (operation.op === 'removeAll' || operation.op === 'replace') {
      const current = await memberIds(trx, groupId, MAX_LISTED_USERS + 1);
      if (current.length > MAX_LISTED_USERS) return null;
      current.forEach((id) => ids.add(id));
    }
    if (operation.op !== 'removeAll') operation.ids.forEach((id) => ids.add(id));
    if (ids.size > MAX_LISTED_USERS) return null;
  }

  return [...ids];
}
