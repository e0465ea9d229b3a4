import { sql } from 'kysely';
import type { RequestHandler } from 'express';
import type { AppContext } from '../app-context';
import type { SyncEventState } from '../db/schema';
import { scimBaseUrl } from '../scim/base-url';
import { notFound } from '../scim/errors';
import { SCIM_STATUS } from './list-tenants';

/**
 * GET /admin/v1/tenants/{tenantId}: the tenant at a glance, for the
 * dashboard's header and Connect screen: whether SCIM is on and where IdPs
 * send to, how many accounts and groups the IdP pushed, when a token was
 * last used, and how many sync events are unfinished or failed. Counts only;
 * the lists have their own endpoints.
 */
export function getTenantOverview(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);

    const tenant = await context.db
      .selectFrom('tenants as t')
      .leftJoin('scim_connections as c', 'c.tenant_id', 't.id')
      .select(['t.id', 't.name', 't.created_at', 'c.default_role', 'c.updated_at'])
      .select(SCIM_STATUS.as('scim_status'))
      .select(sql<number>`coalesce(jsonb_array_length(c.group_role_mapping), 0)::int`.as('mapped'))
      .where('t.id', '=', tenantId)
      .executeTakeFirst();
    if (tenant === undefined) throw notFound(`Tenant "${tenantId}" not found.`);

    const [users, groups, tokens, syncStates] = await Promise.all([
      context.db
        .selectFrom('users')
        .select([
          sql<number>`count(*) filter (where active and deleted_at is null)::int`.as('active'),
          sql<number>`count(*) filter (where not active and deleted_at is null)::int`.as(
            'inactive',
          ),
          sql<number>`count(*) filter (where deleted_at is not null)::int`.as('deleted'),
        ])
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow(),
      context.db
        .selectFrom('groups')
        .select(sql<number>`count(*)::int`.as('count'))
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow(),
      context.db
        .selectFrom('scim_tokens')
        .select([
          sql<number>`count(*) filter (where revoked_at is null
            and (expires_at is null or expires_at > now()))::int`.as('live'),
          sql<Date | null>`max(last_used_at)`.as('last_used_at'),
        ])
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow(),
      context.db
        .selectFrom('sync_events')
        .select(['state', sql<number>`count(*)::int`.as('count')])
        .where('tenant_id', '=', tenantId)
        .groupBy('state')
        .execute(),
    ]);
    const sync: Record<SyncEventState, number> = {
      pending: 0,
      running: 0,
      completed: 0,
      failed: 0,
    };
    for (const row of syncStates) sync[row.state] = row.count;

    response.json({
      id: tenant.id,
      name: tenant.name,
      created_at: tenant.created_at,
      scim: {
        status: tenant.scim_status,
        scim_base_url: scimBaseUrl(request, context.config.PUBLIC_BASE_URL),
        changed_at: tenant.updated_at,
        live_tokens: tokens.live,
        last_used_at: tokens.last_used_at,
      },
      directory: {
        users_active: users.active,
        users_inactive: users.inactive,
        users_deleted: users.deleted,
        groups: groups.count,
        mapped_groups: tenant.mapped,
        default_role: tenant.default_role,
      },
      sync_events: sync,
    });
  };
}
