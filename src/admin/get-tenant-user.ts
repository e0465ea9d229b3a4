import type { RequestHandler } from 'express';
import type { AppContext } from '../app-context';
import { explainUserRole } from '../roles/explain-role';
import { notFound } from '../scim/errors';

/**
 * GET /admin/v1/tenants/{tenantId}/users/{userId}: the Bulwark account,
 * deleted or not, with its role and why it has it. `role` is the stored role
 * that introspection reports; `role_explanation.role` is what the current
 * directory state gives, and differs only while a re-evaluation is pending.
 * Another tenant's user is a plain 404.
 */
export function getTenantUser(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const userId = String(request.params.userId);
    const found = await explainUserRole(context.db, tenantId, userId);
    if (found === undefined) throw notFound(`User "${userId}" not found in tenant "${tenantId}".`);

    const { user, explanation } = found;
    response.json({
      id: user.id,
      tenant_id: user.tenant_id,
      userName: user.user_name,
      externalId: user.external_id,
      active: user.active,
      source: user.source,
      deprovisioned_at: user.deprovisioned_at,
      deleted_at: user.deleted_at,
      created_at: user.created_at,
      updated_at: user.updated_at,
      role: user.role,
      role_explanation: { ...explanation, reevaluation_pending: explanation.role !== user.role },
    });
  };
}
