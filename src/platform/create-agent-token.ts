import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { recordAuditEvent } from '../audit/record-audit-event';
import { actorOf } from '../http/request-context';
import { validateBody } from '../http/validate-body';
import { newId } from '../ids';
import { ScimError, notFound } from '../scim/errors';
import { hashSecret, newSecret } from '../secrets';

const body = z.object({ name: z.string().trim().min(1).max(200) });

/** POST /auth/v1/tenants/{tenantId}/users/{userId}/agent-tokens: a token an agent acts with on the user's behalf. */
export function createAgentToken(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const userId = String(request.params.userId);
    const { name } = validateBody(body, request.body);
    const token = newSecret('agent');

    await context.db.transaction().execute(async (trx) => {
      const user = await trx
        .selectFrom('users')
        .select(['active', 'deleted_at'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', userId)
        .forShare()
        .executeTakeFirst();
      if (user === undefined) throw notFound(`User "${userId}" not found in tenant "${tenantId}".`);
      if (!user.active || user.deleted_at !== null) {
        throw new ScimError(403, undefined, 'The user is deprovisioned; no agent token can be issued.');
      }

      const id = newId('agt');
      await trx
        .insertInto('agent_tokens')
        .values({ id, tenant_id: tenantId, user_id: userId, name, token_hash: hashSecret(token) })
        .execute();
      await recordAuditEvent(trx, actorOf(request, 'admin', null), {
        tenantId,
        action: 'agent_token.created',
        targetType: 'AgentToken',
        targetId: id,
        details: { user_id: userId },
      });
    });

    response.status(201).json({ token });
  };
}
