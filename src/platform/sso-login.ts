import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { loadTenant } from '../admin/load-tenant';
import type { Actor } from '../audit/record-audit-event';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Database, UserRow } from '../db/schema';
import { actorOf } from '../http/request-context';
import { validateBody } from '../http/validate-body';
import { newId } from '../ids';
import { lockedMapping } from '../roles/role-sync-event';
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
  const lowerEmail = email.toLowerCase();
  const bySubject = sql<boolean>`external_id = ${subject}`;
  const byUserName = sql<boolean>`lower(user_name) = ${lowerEmail}`;
  const byPrimaryEmail = sql<boolean>`exists (select 1 from jsonb_array_elements(
    case jsonb_typeof(resource->'emails') when 'array' then resource->'emails' else '[]'::jsonb end) e
    where lower(e->>'value') = ${lowerEmail} and (e->>'primary')::boolean is true)`;
  const candidates = await db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([bySubject, byUserName, byPrimaryEmail]))
    // Live accounts win over deleted ones. SCIM lets two users share an externalId, so the
    // account that matches the login on more counts wins next; then the link order is
    // externalId, userName, email.
    .orderBy(sql`deleted_at is not null`)
    .orderBy(
      sql`(case when ${bySubject} then 1 else 0 end) + (case when ${byUserName} then 1 else 0 end)
        + (case when ${byPrimaryEmail} then 1 else 0 end) desc`,
    )
    .orderBy(sql`case when ${bySubject} then 0 when ${byUserName} then 1 else 2 end`)
    .orderBy('created_at')
    .limit(1)
    .execute();

  return candidates[0];
}

/**
 * Creates the account of a person the directory has not pushed, with the
 * tenant's default role: a just-in-time user belongs to no pushed group yet.
 * The mapping is read under a share lock so that a mapping replacement
 * committing meanwhile either is seen here or re-evaluates this user.
 *
 * When a SCIM POST of the same userName commits first, the insert yields to
 * it and the login links to that account instead of failing.
 */
async function createJitUser(
  trx: Kysely<Database>,
  tenantId: string,
  login: z.infer<typeof body>,
  actor: Actor,
): Promise<UserRow> {
  const mapping = await lockedMapping(trx, tenantId);
  const created = await trx
    .insertInto('users')
    .values({
      id: newId('usr'),
      tenant_id: tenantId,
      user_name: login.email,
      external_id: login.subject,
      active: true,
      source: 'jit',
      role: mapping.default_role,
      resource: JSON.stringify({
        ...(login.name === undefined ? {} : { displayName: login.name }),
        emails: [{ value: login.email, type: 'work', primary: true }],
      }),
    })
    .onConflict((conflict) => conflict.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (created === undefined) {
    const linked = await findAccount(trx, tenantId, login.subject, login.email);
    if (linked !== undefined) return linked;
    throw new ScimError(409, 'uniqueness', 'The account changed during sign-in; sign in again.');
  }
  // The person provisioned themselves by signing in: the new account is the actor.
  const provisionedBy = { ...actor, id: created.id };
  await recordAuditEvent(trx, provisionedBy, {
    tenantId,
    action: 'user.jit_provisioned',
    targetType: 'User',
    targetId: created.id,
  });

  return created;
}

/**
 * Makes first logins of one person wait for each other until commit, so the
 * later one finds the account the earlier one created. A person is known by
 * subject or by email and either may differ between two logins (a changed
 * address, a second IdP app), so a login holds a lock on each and waits for
 * any login sharing one of them.
 *
 * Both locks are taken in one statement, in the order of their lock keys
 * (the hashes, not the names: two names may share a hash): whatever two
 * logins share, they take it in the same order, so they cannot deadlock.
 */
async function lockLogin(
  trx: Kysely<Database>,
  tenantId: string,
  login: z.infer<typeof body>,
): Promise<void> {
  const names = [
    `sso-login:${tenantId}:subject:${login.subject}`,
    `sso-login:${tenantId}:email:${login.email.toLowerCase()}`,
  ];
  // A sorted subquery is not flattened into its caller, so rows reach the lock in key order.
  await sql`
    select pg_advisory_xact_lock(ordered.key)
    from (select distinct hashtext(name) as key from unnest(${names}::text[]) as name
          order by key) as ordered`.execute(trx);
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
      // First logins of one person arrive together (several tabs, a retrying gateway).
      await lockLogin(trx, tenantId, login);
      const user =
        (await findAccount(trx, tenantId, login.subject, login.email)) ??
        (await createJitUser(trx, tenantId, login, actorOf(request, 'user', null)));
      if (!user.active || user.deleted_at !== null) {
        throw new ScimError(403, undefined, 'This account is deprovisioned; sign-in is refused.');
      }

      const actor = actorOf(request, 'user', user.id);
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
      await recordAuditEvent(trx, actor, {
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
