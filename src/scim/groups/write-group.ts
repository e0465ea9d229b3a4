import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Actor } from '../../audit/record-audit-event';
import { recordAuditEvent } from '../../audit/record-audit-event';
import type { Database, GroupRow } from '../../db/schema';
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
): Promise<GroupRow> {
  const displayName = String(next.displayName);
  const externalId = typeof next.externalId === 'string' ? next.externalId : null;
  const attributesChanged = displayName !== current.display_name || externalId !== current.external_id;
  const { changed: membersChanged } = await applyMemberOperations(trx, current.tenant_id, current.id, memberOperations);
  if (!attributesChanged && membersChanged === 0) return current;

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

  return row;
}
