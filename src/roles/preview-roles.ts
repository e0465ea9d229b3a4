import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, Role } from '../db/schema';
import type { GroupRoleMapping } from './role-mapping';
import { computedRole, proposedMapping } from './role-sql';

export interface PreviewedChange {
  user_id: string;
  userName: string;
  old_role: Role | null;
  new_role: Role | null;
}

export interface RolePreview {
  total_changes: number;
  changes: PreviewedChange[];
  /** The last user id of this page when more follow; pass it back as `cursor`. */
  next_cursor: string | null;
}

/**
 * What replacing the tenant's mapping with `mapping` would do to stored
 * roles, read-only: the number of users whose role would change and one page
 * of them in id order, after `cursor`. The new roles come from the same SQL
 * the re-evaluation runs, with the proposed mapping in place of the stored
 * one. Count and page read one snapshot, so they agree.
 */
export async function previewRoleChanges(
  db: Kysely<Database>,
  tenantId: string,
  mapping: GroupRoleMapping,
  page: { limit: number; cursor: string | null },
): Promise<RolePreview> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const changing = sql`(
        select * from (
          select u.id, u.user_name, u.role as old_role,
            ${computedRole(proposedMapping(mapping))} as new_role
          from users u
          where u.tenant_id = ${tenantId}
        ) p
        where p.old_role is distinct from p.new_role)`;
      const { rows: counted } = await sql<{ total: string }>`
        select count(*) as total from ${changing} c`.execute(trx);
      const after = page.cursor === null ? sql`true` : sql`c.id > ${page.cursor}`;
      const { rows } = await sql<PreviewedChange>`
        select c.id as user_id, c.user_name as "userName", c.old_role, c.new_role
        from ${changing} c
        where ${after}
        order by c.id
        limit ${page.limit + 1}`.execute(trx);
      const changes = rows.slice(0, page.limit);
      const more = rows.length > page.limit;

      return {
        total_changes: Number(counted[0]?.total ?? 0),
        changes,
        next_cursor: more ? (changes.at(-1)?.user_id ?? null) : null,
      };
    });
}
