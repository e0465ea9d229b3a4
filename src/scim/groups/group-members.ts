import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { invalidValue } from '../errors';
import type { MemberOperation } from '../resource/patch';
import type { MemberReference } from './group-representation';

/** Ids are checked in chunks so that one request of 100,000 members stays one round trip per chunk. */
const CHUNK = 10_000;

function chunks<T>(items: T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += CHUNK) result.push(items.slice(start, start + CHUNK));

  return result;
}

/**
 * Refuses member ids that are not users of the tenant SCIM can see, naming
 * a few of them: RFC 7643 §4.2 members must reference existing resources.
 */
export async function assertMembersExist(
  db: Kysely<Database>,
  tenantId: string,
  userIds: string[],
): Promise<void> {
  const unique = [...new Set(userIds)];
  const missing: string[] = [];
  for (const chunk of chunks(unique)) {
    const found = await db
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', sql<string>`any(${chunk}::text[])`)
      .where('deleted_at', 'is', null)
      .execute();
    const known = new Set(found.map((row) => row.id));
    missing.push(...chunk.filter((id) => !known.has(id)));
  }
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).map((id) => `"${id}"`).join(', ');
    const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
    throw invalidValue(`members: no user with id ${shown}${more} exists in this tenant.`);
  }
}

/** Adds members, leaving those already in alone; returns how many joined. */
async function insertMembers(
  db: Kysely<Database>,
  tenantId: string,
  groupId: string,
  userIds: string[],
): Promise<number> {
  let inserted = 0;
  for (const chunk of chunks([...new Set(userIds)])) {
    const result = await sql`
      insert into group_members (tenant_id, group_id, user_id)
      select ${tenantId}, ${groupId}, id from unnest(${chunk}::text[]) as id
      on conflict do nothing`.execute(db);
    inserted += Number(result.numAffectedRows ?? 0n);
  }

  return inserted;
}

/**
 * Applies member operations in request order, in the caller's transaction.
 * Returns how many memberships were added or removed.
 */
export async function applyMemberOperations(
  db: Kysely<Database>,
  tenantId: string,
  groupId: string,
  operations: MemberOperation[],
): Promise<{ changed: number }> {
  let changed = 0;
  for (const operation of operations) {
    if (operation.op === 'add' || operation.op === 'replace') {
      await assertMembersExist(db, tenantId, operation.ids);
    }
    if (operation.op === 'removeAll' || operation.op === 'replace') {
      const removed = await db.deleteFrom('group_members').where('group_id', '=', groupId).executeTakeFirst();
      changed += Number(removed.numDeletedRows);
    }
    if (operation.op === 'remove') {
      for (const chunk of chunks(operation.ids)) {
        const removed = await db
          .deleteFrom('group_members')
          .where('group_id', '=', groupId)
          .where('user_id', '=', sql<string>`any(${chunk}::text[])`)
          .executeTakeFirst();
        changed += Number(removed.numDeletedRows);
      }
    }
    if (operation.op === 'add' || operation.op === 'replace') {
      // Re-adding a member changes nothing: no new version, audit event or role re-evaluation.
      changed += await insertMembers(db, tenantId, groupId, operation.ids);
    }
  }

  return { changed };
}

/** Members with their display names: a listed group shows them as GET /Groups/{id} does. */
function memberReferences(db: Kysely<Database>) {
  return db
    .selectFrom('group_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', sql<string | null>`u.resource->>'displayName'`.as('display')]);
}

/** The members of a group with their display names, in id order. */
export async function loadMembers(db: Kysely<Database>, groupId: string): Promise<MemberReference[]> {
  return memberReferences(db).where('m.group_id', '=', groupId).orderBy('m.user_id').execute();
}

/**
 * The members of each group as loadMembers reads them, in one query for a
 * whole page of groups: a page costs one round trip, not one a group.
 * A group without members maps to an empty list.
 */
export async function loadMembersOf(
  db: Kysely<Database>,
  groupIds: string[],
): Promise<Map<string, MemberReference[]>> {
  const byGroup = new Map<string, MemberReference[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return byGroup;

  const rows = await memberReferences(db)
    .select('m.group_id')
    .where('m.group_id', 'in', groupIds)
    .orderBy('m.group_id')
    .orderBy('m.user_id')
    .execute();
  for (const { group_id: groupId, ...member } of rows) byGroup.get(groupId)?.push(member);

  return byGroup;
}
