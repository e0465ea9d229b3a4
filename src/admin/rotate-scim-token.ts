import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { recordAuditEvent } from '../audit/record-audit-event';
import { validateBody } from '../http/validate-body';
import { operatorActor } from '../operations/operator-actor';
import { ScimError } from '../scim/errors';
import { lockScimConnection } from './scim-connection';
import { issueScimToken, retireScimTokens } from './scim-tokens';

/** At most a day of overlap: long enough for any IdP admin, short enough to bound a leak. */
const body = z.object({
  overlap_seconds: z.number().int().min(0).max(86_400).default(0),
});

/**
 * POST /admin/v1/tenants/{tenantId}/scim/tokens: issues a new token (shown
 * once) and retires the old ones, at once or after the chosen overlap.
 */
export function rotateScimToken(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const { overlap_seconds: overlapSeconds } = validateBody(body, request.body);

    const issued = await context.db.transaction().execute(async (trx) => {
      const connection = await lockScimConnection(trx, tenantId);
      if (connection?.enabled !== true) {
        throw new ScimError(404, undefined, `SCIM is not enabled for tenant "${tenantId}".`);
      }

      const token = await issueScimToken(trx, tenantId);
      const retired = await retireScimTokens(trx, tenantId, token.id, overlapSeconds);
      await recordAuditEvent(trx, operatorActor(request), {
        tenantId,
        action: 'scim.token_rotated',
        targetType: 'ScimToken',
        targetId: token.id,
        details: { retired, overlap_seconds: overlapSeconds },
      });

      return token;
    });

    response.status(201).json({ token: issued.token, token_id: issued.id, overlap_seconds: overlapSeconds });
  };
}
