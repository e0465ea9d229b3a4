import { sql } from 'kysely';
import type { RequestHandler } from 'express';
import type { AppContext } from '../app-context';
import { recordAuditEvent } from '../audit/record-audit-event';
import { actorOf } from '../http/request-context';
import { scimBaseUrl } from '../scim/base-url';
import { ScimError } from '../scim/errors';
import { loadTenant } from './load-tenant';
import { lockScimConnection } from './scim-connection';
import { issueScimToken } from './scim-tokens';

/**
 * POST /admin/v1/tenants/{tenantId}/scim: enables SCIM and issues the first
 * token, shown only in this response. Enabling twice is refused (409): the
 * existing token would otherwise be replaced behind the IdP's back; rotate it instead.
 */
export function enableScim(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);

    const token = await context.db.transaction().execute(async (trx) => {
      await loadTenant(trx, tenantId);
      const connection = await lockScimConnection(trx, tenantId);
      if (connection?.enabled === true) {
        throw new ScimError(
          409,
          undefined,
          `SCIM is already enabled for tenant "${tenantId}"; rotate the token with POST /admin/v1/tenants/${tenantId}/scim/tokens.`,
        );
      }

      await trx
        .insertInto('scim_connections')
        .values({ tenant_id: tenantId, enabled: true })
        .onConflict((conflict) =>
          conflict.column('tenant_id').doUpdateSet({ enabled: true, updated_at: sql`now()` }),
        )
        .execute();
      const issued = await issueScimToken(trx, tenantId);
      await recordAuditEvent(trx, actorOf(request, 'admin', null), {
        tenantId,
        action: 'scim.enabled',
        targetType: 'ScimToken',
        targetId: issued.id,
      });

      return issued;
    });

    response.status(201).json({
      token: token.token,
      token_id: token.id,
      scim_base_url: scimBaseUrl(request, context.config.PUBLIC_BASE_URL),
    });
  };
}
