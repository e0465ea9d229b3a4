import { sql } from 'kysely';
import type { RequestHandler } from 'express';
import type { AppContext } from '../app-context';
import { loadTenant } from '../admin/load-tenant';
import { lockScimConnection } from '../admin/scim-connection';
import { recordAuditEvent } from '../audit/record-audit-event';
import { notFound } from '../scim/errors';
import { operatorActor } from './operator-actor';

/**
 * POST /admin/v1/tenants/{tenantId}/scim:disable: every SCIM call of the
 * tenant answers 401 from now on, and every token is revoked. Enabling SCIM
 * again (POST …/scim) issues a fresh token: a token that was out in the world
 * when SCIM was switched off never comes back. Directory data and accounts
 * stay; role re-evaluations fail as TenantDisabled until SCIM is enabled.
 * Disabling twice changes nothing.
 */
export function disableScim(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const actor = operatorActor(request);

    const outcome = await context.db.transaction().execute(async (trx) => {
      await loadTenant(trx, tenantId);
      const connection = await lockScimConnection(trx, tenantId);
      if (connection === undefined)
        throw notFound(`SCIM was never enabled for tenant "${tenantId}".`);
      if (!connection.enabled) return { changed: false, revoked: 0 };

      await trx
        .updateTable('scim_connections')
        .set({ enabled: false, updated_at: sql`now()` })
        .where('tenant_id', '=', tenantId)
        .execute();
      const revoked = await trx
        .updateTable('scim_tokens')
        .set({ revoked_at: sql`now()` })
        .where('tenant_id', '=', tenantId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      const count = Number(revoked.numUpdatedRows);
      await recordAuditEvent(trx, actor, {
        tenantId,
        action: 'scim.disabled',
        targetType: 'Tenant',
        targetId: tenantId,
        details: { tokens_revoked: count },
      });

      return { changed: true, revoked: count };
    });

    response.json({ enabled: false, changed: outcome.changed, tokens_revoked: outcome.revoked });
  };
}
