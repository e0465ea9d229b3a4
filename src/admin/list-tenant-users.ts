import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { isId } from '../ids';
import { pageLimit, parseQuery } from '../operations/query-parameters';
import { invalidValue } from '../scim/errors';
import { loadTenant } from './load-tenant';
import { containsPattern, decodeNameCursor, namePage, pastName } from './name-cursor';

const MAX_IDS = 100;

const query = z
  .object({
    q: z.string().trim().min(1).max(200).optional(),
    status: z.enum(['active', 'inactive', 'deleted']).optional(),
    source: z.enum(['scim', 'jit']).optional(),
    role: z.enum(['admin', 'member', 'viewer', 'none']).optional(),
    group: z.string().max(64).optional(),
    /** Comma-separated user ids, to name the people a list of events is about. */
    ids: z
      .string()
      .max(MAX_IDS * 64)
      .optional(),
    cursor: z.string().max(2048).optional(),
    limit: pageLimit(500, 100),
  })
  .strict();

/** `inactive`: deactivated by the IdP and still in SCIM; `deleted`: gone from SCIM, kept for audit. */
const STATUS = sql<'active' | 'inactive' | 'deleted'>`case
  when u.deleted_at is not null then 'deleted'
  when u.active then 'active'
  else 'inactive' end`;

/** The primary email, else the first; `resource.emails` is the normalized SCIM array. */
const EMAIL = sql<string | null>`(
  select e->>'value'
  from jsonb_array_elements(case jsonb_typeof(u.resource->'emails')
    when 'array' then u.resource->'emails' else '[]'::jsonb end) with ordinality as x(e, n)
  order by (e->'primary' = 'true'::jsonb) desc nulls last, n
  limit 1)`;

/** @throws ScimError 400 `invalidValue` naming the first entry that is not a user id. */
function readIds(text: string): string[] {
  const ids = text.split(',').map((id) => id.trim());
  if (ids.length > MAX_IDS) {
    throw invalidValue(`"ids" lists ${ids.length} ids; send at most ${MAX_IDS} per request.`);
  }
  const bad = ids.find((id) => !isId('usr', id));
  if (bad !== undefined)
    throw invalidValue(`"ids" must list user ids (usr_…); "${bad}" is not one.`);

  return ids;
}

/**
 * GET /admin/v1/tenants/{tenantId}/users?q=&status=&source=&role=&group=&ids=&cursor=&limit=
 * The accounts of the tenant, deleted ones included, by userName: how the
 * IdP pushed them (or SSO created them just in time), their state and when
 * it changed, their stored role and their groups. `q` matches a part of the
 * userName, display name or primary email, or the whole id or externalId.
 * Why a user has its role: GET users/{userId}.
 */
export function listTenantUsers(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const filters = parseQuery(query, request);
    if (filters.group !== undefined && !isId('grp', filters.group)) {
      throw invalidValue(`"group" must be a group id (grp_…); "${filters.group}" is not one.`);
    }
    const ids = filters.ids === undefined ? undefined : readIds(filters.ids);
    const after = filters.cursor === undefined ? undefined : decodeNameCursor(filters.cursor);
    await loadTenant(context.db, tenantId);

    let select = context.db
      .selectFrom('users as u')
      .select([
        'u.id',
        'u.user_name',
        'u.external_id',
        'u.active',
        'u.source',
        'u.role',
        'u.created_at',
        'u.updated_at',
        'u.deprovisioned_at',
        'u.deleted_at',
      ])
      .select(sql<string | null>`u.resource->>'displayName'`.as('display_name'))
      .select(EMAIL.as('email'))
      .select(STATUS.as('status'))
      .select(sql<string>`lower(u.user_name)`.as('sort_name'))
      .select((eb) =>
        jsonArrayFrom(
          eb
            .selectFrom('group_members as gm')
            .innerJoin('groups as g', 'g.id', 'gm.group_id')
            .select(['g.id', 'g.display_name'])
            .whereRef('gm.user_id', '=', 'u.id')
            .orderBy(sql`lower(g.display_name)`)
            .orderBy('g.id'),
        ).as('groups'),
      )
      .where('u.tenant_id', '=', tenantId);
    if (filters.q !== undefined) {
      const pattern = containsPattern(filters.q);
      const exact = filters.q;
      select = select.where((eb) =>
        eb.or([
          eb('u.user_name', 'ilike', pattern),
          eb(sql`u.resource->>'displayName'`, 'ilike', pattern),
          eb(EMAIL, 'ilike', pattern),
          eb('u.id', '=', exact),
          eb('u.external_id', '=', exact),
        ]),
      );
    }
    if (filters.status === 'active') {
      select = select.where('u.active', '=', true).where('u.deleted_at', 'is', null);
    } else if (filters.status === 'inactive') {
      select = select.where('u.active', '=', false).where('u.deleted_at', 'is', null);
    } else if (filters.status === 'deleted') {
      select = select.where('u.deleted_at', 'is not', null);
    }
    if (filters.source !== undefined) select = select.where('u.source', '=', filters.source);
    if (filters.role === 'none') select = select.where('u.role', 'is', null);
    else if (filters.role !== undefined) select = select.where('u.role', '=', filters.role);
    if (filters.group !== undefined) {
      const groupId = filters.group;
      select = select.where((eb) =>
        eb.exists(
          eb
            .selectFrom('group_members as member')
            .select('member.user_id')
            .whereRef('member.user_id', '=', 'u.id')
            .where('member.group_id', '=', groupId),
        ),
      );
    }
    if (ids !== undefined) select = select.where('u.id', '=', sql<string>`any(${ids}::text[])`);
    if (after !== undefined) select = select.where(pastName('u.user_name', 'u.id', after));
    const rows = await select
      .orderBy(sql`lower(u.user_name)`)
      .orderBy('u.id')
      .limit(filters.limit + 1)
      .execute();

    const { page, nextCursor } = namePage(rows, filters.limit);

    response.json({
      items: page.map((user) => ({
        id: user.id,
        userName: user.user_name,
        displayName: user.display_name,
        email: user.email,
        externalId: user.external_id,
        status: user.status,
        active: user.active,
        source: user.source,
        role: user.role,
        created_at: user.created_at,
        updated_at: user.updated_at,
        deprovisioned_at: user.deprovisioned_at,
        deleted_at: user.deleted_at,
        groups: user.groups.map((group) => ({ id: group.id, displayName: group.display_name })),
      })),
      next_cursor: nextCursor,
    });
  };
}
