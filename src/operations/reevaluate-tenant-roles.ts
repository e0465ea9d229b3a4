import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { loadTenant } from '../admin/load-tenant';
import { recordAuditEvent } from '../audit/record-audit-event';
import { validateBody } from '../http/validate-body';
import { roleReevaluationEvent } from '../roles/role-sync-event';
import { ScimError } from '../scim/errors';
import { startAfterCommit } from '../sync/start-after-commit';
import { operatorActor } from './operator-actor';
import { syncEventView } from './sync-event-view';

const body = z.object({ requested_by: z.string().optional() }).strict();

/**
 * POST /admin/v1/tenants/{tenantId}/roles/reevaluate: recomputes every user's
 * role from the current groups and mapping, through the same durable workflow
 * as a directory change (202 with its sync event). Refused while SCIM is
 * disabled, since the workflow would refuse it too.
 */
export function reevaluateTenantRoles(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    validateBody(body, request.body);
    const actor = operatorActor(request);

    const event = await context.db.transaction().execute(async (trx) => {
      await loadTenant(trx, tenantId);
      const connection = await trx
        .selectFrom('scim_connections')
        .select('enabled')
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      if (connection?.enabled === false) {
        throw new ScimError(
          409,
          undefined,
          `SCIM is disabled for tenant "${tenantId}", so its groups grant no roles; enable it first with POST /admin/v1/tenants/${tenantId}/scim.`,
        );
      }

      const cause = {
        resourceType: 'Tenant' as const,
        resourceId: tenantId,
        reason: 're-evaluation requested',
      };
      const created = await roleReevaluationEvent(trx, tenantId, cause, null);
      await recordAuditEvent(trx, actor, {
        tenantId,
        action: 'roles.reevaluation_requested',
        targetType: 'SyncEvent',
        targetId: created.id,
      });

      return created;
    });
    await startAfterCommit(context.db, context.workflows, [event], request.log);

    response.status(202).json(syncEventView(context.config, event));
  };
}
