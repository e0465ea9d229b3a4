import { sql } from 'kysely';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { recordAuditEvent } from '../audit/record-audit-event';
import { actorOf } from '../http/request-context';
import { validateBody } from '../http/validate-body';
import { isId } from '../ids';
import { ROLES_BY_RANK } from '../roles/role-mapping';
import { roleReevaluationEvent } from '../roles/role-sync-event';
import { invalidValue, notFound } from '../scim/errors';
import { startAfterCommit } from '../sync/start-after-commit';

const role = z.enum(ROLES_BY_RANK as ['admin', 'member', 'viewer']);
const body = z.object({
  group_role_mapping: z
    .array(z.object({ group_id: z.string(), role }).strict())
    .max(1000),
  default_role: role.nullable().default(null),
});

/** GET /admin/v1/tenants/{tenantId}/scim/group-role-mapping. */
export function getGroupRoleMapping(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const connection = await context.db
      .selectFrom('scim_connections')
      .select(['group_role_mapping', 'default_role'])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    if (connection === undefined) throw notFound(`SCIM is not enabled for tenant "${tenantId}".`);

    response.json(connection);
  };
}

/**
 * PUT /admin/v1/tenants/{tenantId}/scim/group-role-mapping: replaces the
 * mapping and re-evaluates every user of the tenant. Each entry must name a
 * group the IdP has already pushed to this tenant: a mapping to a group that
 * does not exist cannot be checked for typos and would silently grant nothing.
 */
export function putGroupRoleMapping(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const mapping = validateBody(body, request.body);
    const seen = new Set<string>();
    mapping.group_role_mapping.forEach((entry, index) => {
      if (!isId('grp', entry.group_id)) {
        throw invalidValue(`group_role_mapping[${index}].group_id "${entry.group_id}" is not a group id (grp_…).`);
      }
      if (seen.has(entry.group_id)) {
        throw invalidValue(`group_role_mapping[${index}] maps group "${entry.group_id}" a second time.`);
      }
      seen.add(entry.group_id);
    });

    const events = await context.db.transaction().execute(async (trx) => {
      const connection = await trx
        .selectFrom('scim_connections')
        .select('tenant_id')
        .where('tenant_id', '=', tenantId)
        .forUpdate()
        .executeTakeFirst();
      if (connection === undefined) throw notFound(`SCIM is not enabled for tenant "${tenantId}".`);
      const ids = [...seen];
      const known = ids.length === 0
        ? []
        : await trx.selectFrom('groups').select('id').where('tenant_id', '=', tenantId).where('id', '=', sql<string>`any(${ids}::text[])`).execute();
      const knownIds = new Set(known.map((row) => row.id));
      const unknown = mapping.group_role_mapping.findIndex((entry) => !knownIds.has(entry.group_id));
      if (unknown !== -1) {
        throw invalidValue(
          `group_role_mapping[${unknown}].group_id "${mapping.group_role_mapping[unknown]?.group_id}" is not a group of this tenant; push the group from the IdP first.`,
        );
      }

      await trx
        .updateTable('scim_connections')
        .set({
          group_role_mapping: JSON.stringify(mapping.group_role_mapping),
          default_role: mapping.default_role,
          updated_at: sql`now()`,
        })
        .where('tenant_id', '=', tenantId)
        .execute();
      await recordAuditEvent(trx, actorOf(request, 'admin', null), {
        tenantId,
        action: 'scim.group_role_mapping.replaced',
        targetType: 'Tenant',
        targetId: tenantId,
        details: { ...mapping },
      });
      const cause = { resourceType: 'Tenant' as const, resourceId: tenantId, reason: 'group-role mapping replaced' };

      return [await roleReevaluationEvent(trx, tenantId, cause, null)];
    });
    await startAfterCommit(context.db, context.workflows, events, request.log);

    response.json({ ...mapping, sync_event_id: events[0]?.id });
  };
}
