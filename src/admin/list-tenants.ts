import { sql } from 'kysely';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { pageLimit, parseQuery } from '../operations/query-parameters';
import { containsPattern, decodeNameCursor, namePage, pastName } from './name-cursor';

const query = z
  .object({
    q: z.string().trim().min(1).max(200).optional(),
    cursor: z.string().max(2048).optional(),
    limit: pageLimit(500, 100),
  })
  .strict();

/** `never_enabled` until the first enable; `disabled` after scim:disable. */
export const SCIM_STATUS = sql<'enabled' | 'disabled' | 'never_enabled'>`case
  when c.tenant_id is null then 'never_enabled'
  when c.enabled then 'enabled'
  else 'disabled' end`;

/**
 * GET /admin/v1/tenants?q=&cursor=&limit=: the tenants by name, with whether
 * SCIM is on, so an admin can pick the one to work on. `q` matches a part of
 * the name or the whole id.
 */
export function listTenants(context: AppContext): RequestHandler {
  return async (request, response) => {
    const filters = parseQuery(query, request);
    const after = filters.cursor === undefined ? undefined : decodeNameCursor(filters.cursor);

    let select = context.db
      .selectFrom('tenants as t')
      .leftJoin('scim_connections as c', 'c.tenant_id', 't.id')
      .select(['t.id', 't.name', 't.created_at'])
      .select(SCIM_STATUS.as('scim_status'))
      .select(sql<string>`lower(t.name)`.as('sort_name'));
    if (filters.q !== undefined) {
      const pattern = containsPattern(filters.q);
      const q = filters.q;
      select = select.where((eb) => eb.or([eb('t.name', 'ilike', pattern), eb('t.id', '=', q)]));
    }
    if (after !== undefined) select = select.where(pastName('t.name', 't.id', after));
    const rows = await select
      .orderBy(sql`lower(t.name)`)
      .orderBy('t.id')
      .limit(filters.limit + 1)
      .execute();

    const { page, nextCursor } = namePage(rows, filters.limit);

    response.json({ items: page, next_cursor: nextCursor });
  };
}
