import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Database } from '../db/schema';
import { actorOf } from '../http/request-context';
import { validateBody } from '../http/validate-body';
import { isId } from '../ids';
import { previewRoleChanges } from '../roles/preview-roles';
import type { GroupRoleMapping } from '../roles/role-mapping';
import { ROLES_BY_RANK } from '../roles/role-mapping';
import { roleReevaluationEvent } from '../roles/role-sync-event';
import { invalidValue, notFound } from '../scim/errors';
import { startAfterCommit } from '../sync/start-after-commit';

const role = z.enum(ROLES_BY_RANK as ['admin', 'member', 'viewer']);
const body = z.object({
  group_role_mapping: z.array(z.object({ group_id: z.string(), role }).strict()).max(1000),
  default_role: role.nullable().default(null),
});

const PREVIEW_LIMIT_DEFAULT = 100;
const PREVIEW_LIMIT_MAX = 1000;

/**
 * Reads a mapping body, the same for PUT and preview.
 *
 * @throws ScimError 400 `invalidValue` for a malformed body, an id that is
 *   not a group id, or a group mapped twice, naming the entry at fault.
 */
function readMapping(requestBody: unknown): GroupRoleMapping {
  const mapping = validateBody(body, requestBody);
  const seen = new Set<string>();
  mapping.group_role_mapping.forEach((entry, index) => {
    if (!isId('grp', entry.group_id)) {
      throw invalidValue(
        `group_role_mapping[${index}].group_id "${entry.group_id}" is not a group id (grp_…).`,
      );
    }
    if (seen.has(entry.group_id)) {
      throw invalidValue(
        `group_role_mapping[${index}] maps group "${entry.group_id}" a second time.`,
      );
    }
    seen.add(entry.group_id);
  });

  return mapping;
}

/**
 * Checks, in the caller's transaction, that the tenant has SCIM and that
 * every entry names a group the IdP has already pushed to it: a mapping to a
 * group that does not exist cannot be checked for typos and would silently
 * grant nothing. `lock` holds the connection row until commit (PUT).
 *
 * @throws ScimError 404 without SCIM; 400 `invalidValue` naming the first unknown group.
 */
async function assertMappingApplies(
  trx: Kysely<Database>,
  tenantId: string,
  mapping: GroupRoleMapping,
  lock: boolean,
): Promise<void> {
  let query = trx
    .selectFrom('scim_connections')
    .select('tenant_id')
    .where('tenant_id', '=', tenantId);
  if (lock) query = query.forUpdate();
  const connection = await query.executeTakeFirst();
  if (connection === undefined) throw notFound(`SCIM is not enabled for tenant "${tenantId}".`);

  const ids = mapping.group_role_mapping.map((entry) => entry.group_id);
  const known =
    ids.length === 0
      ? []
      : await trx
          .selectFrom('groups')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', sql<string>`any(${ids}::text[])`)
          .execute();
  const knownIds = new Set(known.map((row) => row.id));
  const unknown = ids.findIndex((id) => !knownIds.has(id));
  if (unknown !== -1) {
    throw invalidValue(
      `group_role_mapping[${unknown}].group_id "${ids[unknown]}" is not a group of this tenant; ` +
        'push the group from the IdP first.',
    );
  }
}

/** `limit` and `cursor` of a preview. @throws ScimError 400 `invalidValue` naming the parameter. */
function readPreviewPage(query: Record<string, unknown>): { limit: number; cursor: string | null } {
  const { limit: givenLimit, cursor: givenCursor } = query;
  let limit = PREVIEW_LIMIT_DEFAULT;
  if (givenLimit !== undefined) {
    limit = typeof givenLimit === 'string' && /^\d{1,7}$/.test(givenLimit) ? Number(givenLimit) : 0;
    if (limit < 1 || limit > PREVIEW_LIMIT_MAX) {
      throw invalidValue(`"limit" must be a whole number from 1 to ${PREVIEW_LIMIT_MAX}.`);
    }
  }
  if (givenCursor !== undefined && (typeof givenCursor !== 'string' || !isId('usr', givenCursor))) {
    throw invalidValue('"cursor" must be the "next_cursor" of the previous page of this preview.');
  }

  return { limit, cursor: givenCursor ?? null };
}

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
 * mapping and re-evaluates every user of the tenant.
 */
export function putGroupRoleMapping(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const mapping = readMapping(request.body);

    const events = await context.db.transaction().execute(async (trx) => {
      await assertMappingApplies(trx, tenantId, mapping, true);

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
      const cause = {
        resourceType: 'Tenant' as const,
        resourceId: tenantId,
        reason: 'group-role mapping replaced',
      };

      return [await roleReevaluationEvent(trx, tenantId, cause, null)];
    });
    await startAfterCommit(context.db, context.workflows, events, request.log);

    response.json({ ...mapping, sync_event_id: events[0]?.id });
  };
}

/**
 * POST /admin/v1/tenants/{tenantId}/scim/group-role-mapping:preview: the
 * body of a PUT, checked the same way, answered with the role changes that
 * PUT would make (count and a page, `limit` ≤ 1000, `cursor` from the
 * previous page). Nothing is written: no mapping, role, audit or sync event.
 */
export function previewGroupRoleMapping(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const mapping = readMapping(request.body);
    const page = readPreviewPage(request.query as Record<string, unknown>);

    await assertMappingApplies(context.db, tenantId, mapping, false);
    const preview = await previewRoleChanges(context.db, tenantId, mapping, page);

    response.json(preview);
  };
}
