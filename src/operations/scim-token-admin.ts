import { sql } from 'kysely';
import type { RequestHandler } from 'express';
import type { AppContext } from '../app-context';
import { loadTenant } from '../admin/load-tenant';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Db } from '../db/database';
import { notFound } from '../scim/errors';
import { operatorActor } from './operator-actor';

/** Whether a token authenticates now; computed by PostgreSQL so every process agrees on "now". */
const STATUS = sql<'active' | 'expiring' | 'expired' | 'revoked'>`case
  when revoked_at is not null then 'revoked'
  when expires_at is null then 'active'
  when expires_at > now() then 'expiring'
  else 'expired' end`;

/** Token metadata only: values are never stored, and hashes never leave the database. */
function tokenColumns(db: Db) {
  return db
    .selectFrom('scim_tokens')
    .select(['id', 'created_at', 'last_used_at', 'expires_at', 'revoked_at', STATUS.as('status')]);
}

/** GET /admin/v1/tenants/{tenantId}/scim/tokens: newest first. */
export function listScimTokens(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    await loadTenant(context.db, tenantId);

    const tokens = await tokenColumns(context.db)
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();

    response.json({ items: tokens });
  };
}

/**
 * DELETE /admin/v1/tenants/{tenantId}/scim/tokens/{tokenId}: the token is
 * rejected from its next use. Revoking a revoked token changes nothing and
 * answers the same; revoking the last live one leaves the IdP locked out,
 * which is the caller's call.
 */
export function revokeScimToken(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const tokenId = String(request.params.tokenId);
    const actor = operatorActor(request);

    const token = await context.db.transaction().execute(async (trx) => {
      const revoked = await trx
        .updateTable('scim_tokens')
        .set({ revoked_at: sql`now()` })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', tokenId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      const current = await tokenColumns(trx)
        .where('tenant_id', '=', tenantId)
        .where('id', '=', tokenId)
        .executeTakeFirst();
      if (current === undefined) {
        throw notFound(
          `Tenant "${tenantId}" has no SCIM token "${tokenId}"; list them with GET scim/tokens.`,
        );
      }
      if (revoked.numUpdatedRows > 0n) {
        await recordAuditEvent(trx, actor, {
          tenantId,
          action: 'scim.token_revoked',
          targetType: 'ScimToken',
          targetId: tokenId,
        });
      }

      return current;
    });

    response.json(token);
  };
}
