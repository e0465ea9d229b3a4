import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import type { TestStack } from '../support/stack';
import { startStack } from '../support/stack';
import { createScimTenant, eventually, request } from '../support/http';
import { introspect, provisionedUserWithTokens } from '../support/platform-tokens';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let stack: TestStack;
let temporal: Client;

beforeAll(async () => {
  stack = await startStack();
  const connection = await Connection.connect({ address: stack.config.TEMPORAL_ADDRESS });
  temporal = new Client({ connection });
});

afterAll(async () => {
  await temporal.connection.close();
  await stack.stop();
});

async function completedSyncEvent(userId: string) {
  return eventually(async () => {
    const event = await stack.database.db
      .selectFrom('sync_events')
      .selectAll()
      .where('resource_id', '=', userId)
      .where('kind', '=', 'deprovision')
      .where('state', '=', 'completed')
      .executeTakeFirst();

    return event;
  });
}

describe('deprovisioning', () => {
  it('revokes the session and agent token of a user the IdP deletes, through a completed workflow', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack);
    const user = await provisionedUserWithTokens(stack, tenantId, scimToken, 'ines.moreau@example.com');
    expect(await introspect(stack, user.sessionToken)).toMatchObject({
      active: true,
      token_type: 'session',
      tenant_id: tenantId,
      user_id: user.userId,
    });
    expect(await introspect(stack, user.agentToken)).toMatchObject({ active: true, token_type: 'agent_token' });

    const deleted = await request(stack, 'DELETE', `/scim/v2/Users/${user.userId}`, { token: scimToken });
    expect(deleted.status).toBe(204);

    // Rejected at once, before the workflow has necessarily run.
    expect(await introspect(stack, user.sessionToken)).toEqual({ active: false });
    expect(await introspect(stack, user.agentToken)).toEqual({ active: false });
    expect((await request(stack, 'GET', `/scim/v2/Users/${user.userId}`, { token: scimToken })).status).toBe(404);

    const event = await completedSyncEvent(user.userId);
    // The sync event completes in the workflow's last activity; the run closes right after.
    const handle = temporal.workflow.getHandle(event.workflow_id);
    await handle.result();
    const run = await handle.describe();
    expect(run.status.name).toBe('COMPLETED');
    expect(run.searchAttributes.BulwarkTenantId).toEqual([tenantId]);

    const sessions = await stack.database.db.selectFrom('sessions').select('revoked_at').where('user_id', '=', user.userId).execute();
    const tokens = await stack.database.db.selectFrom('agent_tokens').select('revoked_at').where('user_id', '=', user.userId).execute();
    expect(sessions.every((session) => session.revoked_at !== null)).toBe(true);
    expect(tokens.every((token) => token.revoked_at !== null)).toBe(true);

    const actions = await stack.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('target_id', '=', user.userId)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();
    expect(actions.map((row) => row.action)).toEqual(
      expect.arrayContaining([
        'scim.user.created',
        'scim.user.deleted',
        'user.account_deactivated',
        'user.sessions_revoked',
        'user.agent_tokens_revoked',
        'user.deprovisioned',
      ]),
    );
    const login = await request(stack, 'POST', `/auth/v1/tenants/${tenantId}/sso-logins`, {
      token: stack.adminApiKey,
      body: { subject: 'ext-ines.moreau@example.com', email: 'ines.moreau@example.com' },
    });
    expect(login.status).toBe(403);
  });

  it('deprovisions on an Entra-style PATCH of active "False" and restores only the account on reactivation', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack);
    const user = await provisionedUserWithTokens(stack, tenantId, scimToken, 'noor.haddad@example.com');

    const deactivated = await request(stack, 'PATCH', `/scim/v2/Users/${user.userId}`, {
      token: scimToken,
      body: { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
    });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body.active).toBe(false);
    expect(await introspect(stack, user.sessionToken)).toEqual({ active: false });
    await completedSyncEvent(user.userId);

    const reactivated = await request(stack, 'PATCH', `/scim/v2/Users/${user.userId}`, {
      token: scimToken,
      body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: true } }] },
    });
    expect(reactivated.status).toBe(200);
    expect(reactivated.body.active).toBe(true);
    // The account is back; the tokens revoked while it was inactive stay revoked.
    expect(await introspect(stack, user.sessionToken)).toEqual({ active: false });
    expect(await introspect(stack, user.agentToken)).toEqual({ active: false });
    const login = await request(stack, 'POST', `/auth/v1/tenants/${tenantId}/sso-logins`, {
      token: stack.adminApiKey,
      body: { subject: 'ext-noor.haddad@example.com', email: 'noor.haddad@example.com' },
    });
    expect(login.status).toBe(201);
    expect(await introspect(stack, login.body.session_token)).toMatchObject({ active: true });
  });

  it('records each deprovisioning step once even when the workflow is started twice', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack);
    const user = await provisionedUserWithTokens(stack, tenantId, scimToken, 'lea.brandt@example.com');
    await request(stack, 'DELETE', `/scim/v2/Users/${user.userId}`, { token: scimToken });
    const event = await completedSyncEvent(user.userId);

    // A second dispatch of the same event: Temporal refuses the duplicate id.
    await stack.database.db.updateTable('sync_events').set({ dispatched_at: null, created_at: sql`now() - interval '1 minute'` }).where('id', '=', event.id).execute();
    await eventually(async () => {
      const row = await stack.database.db.selectFrom('sync_events').select('dispatched_at').where('id', '=', event.id).executeTakeFirstOrThrow();

      return row.dispatched_at ?? undefined;
    });

    const counts = await stack.database.db
      .selectFrom('audit_events')
      .select(['action', (eb) => eb.fn.countAll<string>().as('count')])
      .where('target_id', '=', user.userId)
      .groupBy('action')
      .execute();
    for (const row of counts) expect([row.action, Number(row.count)]).toEqual([row.action, 1]);
    expect(tenantId).toMatch(/^ten_/);
  });
});
