import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { loadTenant } from '../admin/load-tenant';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Database, UserRow } from '../db/schema';
import { actorOf } from '../http/request-context';
import { validateBody } from '../http/validate-body';
import { newId } from '../ids';
import { ScimError } from '../scim/errors';
import { hashSecret, newSecret } from '../secrets';

const body = z.object({
  subject: z.string().trim().min(1).max(512),
  email: z.email().max(512),
  name: z.string().trim().min(1).max(512).optional(),
});

/**
 * Finds the account a verified login belongs to: by externalId (the IdP
 * subject), then userName, then primary email, case-insensitively. Deleted
 * accounts are included so that a deprovisioned person is refused, not
 * re-created just in time.
 */
async function findAccount(
  db: Kysely<Database>,
  tenantId: string,
  subject: string,
  email: string,
): Promise<UserRow | undefined> {
  const candidates = await db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb('external_id', '=', subject),
        eb(eb.fn('lower', ['user_name']), '=', email.toLowerCase()),
        sql<boolean>`exists (select 1 from jsonb_array_elements(
          case jsonb_typeof(resource->'emails') when 'array' then resource->'emails' else '[]'::jsonb end) e
          where lower(e->>'value') = ${email.toLowerCase()} and (e->>'primary')::boolean is true)`,
      ]),
    )
    // Live accounts win over deleted ones; the link order is externalId, userName, email.
    .orderBy(sql`deleted_at is not null`)
    .orderBy(sql`case when external_id = ${subject} then 0
                      when lower(user_name) = ${email.toLowerCase()} then 1 else 2 end`)
    .orderBy('created_at')
    .limit(1)
    .execute();

  return candidates[0];
}

/**
 * POST /auth/v1/tenants/{tenantId}/sso-logins: a login an upstream identity
 * component has verified. Opens a session; creates an unknown user just in
 * time (source `jit`); refuses a deprovisioned one with 403.
 */
export function ssoLogin(context: AppContext): RequestHandler {
  return async (request, response) => {
    const tenantId = String(request.params.tenantId);
    const login = validateBody(body, request.body);
    const sessionToken = newSecret('session');

    const userId = await context.db.transaction().execute(async (trx) => {
      await loadTenant(trx, tenantId);
      let user = await findAccount(trx, tenantId, login.subject, login.email);
      if (user !== undefined && (!user.active || user.deleted_at !== null)) {
        throw new ScimError(403, undefined, 'This account is deprovisioned; sign-in is refused.');
      }

      const actor = actorOf(request, 'user', user?.id ?? null);
      if (user === undefined) {
        const connection = await trx
          .selectFrom('scim_connections')
          .select('default_role')
          .where('tenant_id', '=', tenantId)
          .executeTakeFirst();
        user = await trx
          .insertInto('users')
          .values({
            id: newId('usr'),
            tenant_id: tenantId,
            user_name: login.email,
            external_id: login.subject,
            active: true,
            source: 'jit',
            // A just-in-time user belongs to no pushed group yet: the tenant's default role applies.
            role: connection?.default_role ?? null,
            resource: JSON.stringify({
              ...(login.name === undefined ? {} : { displayName: login.name }),
              emails: [{ value: login.email, type: 'work', primary: true }],
            }),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAuditEvent(trx, { ...actor, id: user.id }, {
          tenantId,
          action: 'user.jit_provisioned',
          targetType: 'User',
          targetId: user.id,
        });
      }

      const sessionId = newId('ses');
      await trx
        .insertInto('sessions')
        .values({
          id: sessionId,
          tenant_id: tenantId,
          user_id: user.id,
          token_hash: hashSecret(sessionToken),
          expires_at: sql`now() + make_interval(hours => ${context.config.SESSION_TTL_HOURS})`,
        })
        .execute();
      await recordAuditEvent(trx, { ...actor, id: user.id }, {
        tenantId,
        action: 'session.created',
        targetType: 'Session',
        targetId: sessionId,
        details: { user_id: user.id },
      });

      return user.id;
    });

    response.status(201).json({ session_token: sessionToken, user_id: userId });
  };
}
