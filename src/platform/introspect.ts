import { sql } from 'kysely';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { validateBody } from '../http/validate-body';
import { hashSecret, secretKind } from '../secrets';

const body = z.object({ token: z.string().min(1).max(4096) });

const INACTIVE = { active: false } as const;

/**
 * POST /auth/v1/introspect (RFC 7662 shape) for session and agent tokens. A
 * token is active only while it is unrevoked, unexpired and its user is
 * active and not deleted, so a deprovisioned user's tokens are rejected from
 * the moment the directory write commits, before the workflow revokes them;
 * and only while it was issued after the user's last deactivation, so a
 * reactivation brings none of the old tokens back.
 */
export function introspect(context: AppContext): RequestHandler {
  return async (request, response) => {
    const { token } = validateBody(body, request.body);
    const kind = secretKind(token);
    const tokenHash = hashSecret(token);

    let found: { tenant_id: string; user_id: string; role: string | null } | undefined;
    if (kind === 'session') {
      found = await context.db
        .selectFrom('sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .select(['s.tenant_id', 's.user_id', 'u.role'])
        .where('s.token_hash', '=', tokenHash)
        .where('s.revoked_at', 'is', null)
        .where('s.expires_at', '>', sql<Date>`now()`)
        .where('u.active', '=', true)
        .where('u.deleted_at', 'is', null)
        .where(issuedAfterLastDeactivation('s.created_at'))
        .executeTakeFirst();
    } else if (kind === 'agent') {
      found = await context.db
        .selectFrom('agent_tokens as a')
        .innerJoin('users as u', 'u.id', 'a.user_id')
        .select(['a.tenant_id', 'a.user_id', 'u.role'])
        .where('a.token_hash', '=', tokenHash)
        .where('a.revoked_at', 'is', null)
        .where('u.active', '=', true)
        .where('u.deleted_at', 'is', null)
        .where(issuedAfterLastDeactivation('a.created_at'))
        .executeTakeFirst();
    }
    if (found === undefined) {
      response.status(200).json(INACTIVE);
      return;
    }

    response.status(200).json({
      active: true,
      token_type: kind === 'session' ? 'session' : 'agent_token',
      tenant_id: found.tenant_id,
      user_id: found.user_id,
      role: found.role,
    });
  };
}

function issuedAfterLastDeactivation(issuedAt: 's.created_at' | 'a.created_at') {
  return sql<boolean>`(u.tokens_invalid_before is null or ${sql.ref(issuedAt)} > u.tokens_invalid_before)`;
}
