import { sql } from 'kysely';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import type { Role } from '../db/schema';
import { pageLimit, parseQuery } from '../operations/query-parameters';
import { loadTenant } from './load-tenant';
import { containsPattern, decodeNameCursor, namePage, pastName } from './name-cursor';

const query = z
  .object({
    q: z.string().trim().min(1).max(200).optional(),
    cursor: z.string().max(2048).optional(),
    limit: pageLimit(500, 100),
  })
  .strict();

/** The role the tenant's stored mapping gives the group `g`, if any. */
const MAPPED_ROLE = sql<Role | null>`(
  select e->>'role'
  from scim_connections c, jsonb_array_elements(c.group_role_mapping) e
  where c.tenant_id = g.tenant_id and e->>'group_id' = g.id
  limit 1)`;

/**
 * GET /admin/v1/tenants/{tenantId}/groups?q=&cursor=&limit=: the groups the
 * IdP pushed, by display name, with how many members each has and the role
 * the mapping gives it: what an admin picks from when mapping groups to
 * roles. `q` matches a part of the display name or the whole id or externalId.
 */
export function listTenantGroups(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const filters = parseQuery(query, request);
    const after = filters.cursor === undefined ? undefined : decodeNameCursor(filters.cursor);
    await loadTenant(context.db, tenantId);

    let select = context.db
      .selectFrom('groups as g')
      .select(['g.id', 'g.display_name', 'g.external_id', 'g.created_at', 'g.updated_at'])
      .select(MAPPED_ROLE.as('mapped_role'))
      .select(sql<string>`lower(g.display_name)`.as('sort_name'))
      .select((eb) =>
        eb
          .selectFrom('group_members as gm')
          .select(sql<number>`count(*)::int`.as('count'))
          .whereRef('gm.group_id', '=', 'g.id')
          .as('member_count'),
      )
      .where('g.tenant_id', '=', tenantId);
    if (filters.q !== undefined) {
      const pattern = containsPattern(filters.q);
      const exact = filters.q;
      select = select.where((eb) =>
        eb.or([
          eb('g.display_name', 'ilike', pattern),
          eb('g.id', '=', exact),
          eb('g.external_id', '=', exact),
        ]),
      );
    }
    if (after !== undefined) select = select.where(pastName('g.display_name', 'g.id', after));
    const rows = await select
      .orderBy(sql`lower(g.display_name)`)
      .orderBy('g.id')
      .limit(filters.limit + 1)
      .execute();

    const { page, nextCursor } = namePage(rows, filters.limit);

    response.json({
      items: page.map((group) => ({
        id: group.id,
        displayName: group.display_name,
        externalId: group.external_id,
        member_count: group.member_count ?? 0,
        mapped_role: group.mapped_role,
        created_at: group.created_at,
        updated_at: group.updated_at,
      })),
      next_cursor: nextCursor,
    });
  };
}
