import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import { createScimTenant, request } from '../support/http';
import { ScimClient, auditActions } from '../support/scim-client';
import { syncEventsSettled } from '../support/sync-events';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let stack: TestStack;
stackForFile((started) => (stack = started));

/** A user with only the attributes given, so that each test controls what links a login. */
function scimUser(scim: ScimClient, attributes: Record<string, unknown>): Promise<string> {
  return scim.create('Users', { schemas: [USER_SCHEMA], ...attributes });
}

function ssoLogin(tenantId: string, subject: string, email: string, name?: string) {
  return request(stack, 'POST', `/auth/v1/tenants/${tenantId}/sso-logins`, {
    token: stack.adminApiKey,
    body: { subject, email, ...(name === undefined ? {} : { name }) },
  });
}

async function accountsOf(tenantId: string) {
  return stack.database.db
    .selectFrom('users')
    .select(['id', 'user_name', 'external_id', 'source', 'active', 'deleted_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .execute();
}

describe('SSO login next to SCIM provisioning', () => {
  it('links a login to the SCIM user with its externalId, even when the email names another user', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const byExternalId = await scimUser(scim, {
      userName: 'ana@example.com',
      externalId: 'okta-ana',
    });
    await scimUser(scim, { userName: 'other@example.com' });

    const login = await ssoLogin(tenantId, 'okta-ana', 'other@example.com');

    expect(login.status).toBe(201);
    expect(login.body.user_id).toBe(byExternalId);
    expect(await accountsOf(tenantId)).toHaveLength(2);
  });

  it('links to the one of two users sharing an externalId whose userName also matches the login', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const older = await scimUser(scim, { userName: 'kdoe-old@example.com', externalId: 'kdoe' });
    const newer = await scimUser(scim, { userName: 'kdoe-new@example.com', externalId: 'kdoe' });

    const asOlder = await ssoLogin(tenantId, 'kdoe', 'KDoe-Old@example.com');
    const asNewer = await ssoLogin(tenantId, 'kdoe', 'kdoe-new@example.com');

    expect(asOlder.status).toBe(201);
    expect(asOlder.body.user_id).toBe(older);
    expect(asNewer.status).toBe(201);
    expect(asNewer.body.user_id).toBe(newer);
    expect(await accountsOf(tenantId)).toHaveLength(2);
  });

  it('links by userName, case-insensitively, when no externalId matches', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const byUserName = await scimUser(scim, {
      userName: 'Bruno.Keller@Example.com',
      externalId: 'x-1',
    });
    const byEmail = await scimUser(scim, {
      userName: 'bkeller',
      emails: [{ value: 'bruno.keller@example.com', type: 'work', primary: true }],
    });

    const login = await ssoLogin(tenantId, 'unmatched-subject', 'BRUNO.KELLER@example.COM');

    expect(login.status).toBe(201);
    expect(login.body.user_id).toBe(byUserName);
    expect(login.body.user_id).not.toBe(byEmail);
    expect(await accountsOf(tenantId)).toHaveLength(2);
  });

  it('links by primary email, case-insensitively, but never by a secondary email', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const withPrimary = await scimUser(scim, {
      userName: 'chen',
      emails: [
        { value: 'chen.personal@example.org', type: 'home' },
        { value: 'Chen.Wei@Example.com', type: 'work', primary: true },
      ],
    });
    await scimUser(scim, {
      userName: 'dara',
      emails: [
        { value: 'dara@example.com', type: 'work', primary: true },
        { value: 'dara.alias@example.com', type: 'other' },
      ],
    });

    const primary = await ssoLogin(tenantId, 's-chen', 'chen.wei@EXAMPLE.com');
    expect(primary.status).toBe(201);
    expect(primary.body.user_id).toBe(withPrimary);

    const secondary = await ssoLogin(tenantId, 's-dara', 'dara.alias@example.com');
    expect(secondary.status).toBe(201);
    const created = (await accountsOf(tenantId)).find(
      (account) => account.id === secondary.body.user_id,
    );
    expect(created).toMatchObject({ user_name: 'dara.alias@example.com', source: 'jit' });
  });

  it('creates an unknown person just in time, with source jit and an audit event, and reuses it next time', async () => {
    const { tenantId } = await createScimTenant(stack);

    const first = await ssoLogin(tenantId, 'entra-oid-1', 'Elif.Demir@example.com', 'Elif Demir');
    expect(first.status).toBe(201);
    const again = await ssoLogin(tenantId, 'entra-oid-1', 'elif.demir@example.com');
    expect(again.status).toBe(201);

    expect(again.body.user_id).toBe(first.body.user_id);
    const accounts = await accountsOf(tenantId);
    expect(accounts).toEqual([
      expect.objectContaining({
        id: first.body.user_id,
        user_name: 'Elif.Demir@example.com',
        external_id: 'entra-oid-1',
        source: 'jit',
        active: true,
      }),
    ]);
    const actions = await auditActions(stack.database.db, first.body.user_id);
    expect(actions).toEqual(['user.jit_provisioned']);
    const provisioned = await stack.database.db
      .selectFrom('audit_events')
      .select(['actor_type', 'actor_id'])
      .where('action', '=', 'user.jit_provisioned')
      .where('target_id', '=', first.body.user_id)
      .executeTakeFirstOrThrow();
    expect(provisioned).toEqual({ actor_type: 'user', actor_id: first.body.user_id });
  });

  it('creates one account when the first logins of a new person arrive at once', async () => {
    const { tenantId } = await createScimTenant(stack);

    const logins = await Promise.all(
      Array.from({ length: 6 }, () => ssoLogin(tenantId, 'okta-new', 'fatima@example.com')),
    );

    expect(logins.map((login) => login.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(logins.map((login) => login.body.user_id)).size).toBe(1);
    expect(await accountsOf(tenantId)).toHaveLength(1);
  });

  it('creates one account when first logins of one subject arrive at once with different emails', async () => {
    const { tenantId } = await createScimTenant(stack);

    const logins = await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        ssoLogin(tenantId, 'okta-moved', `nadia.${n}@example.com`),
      ),
    );

    expect(logins.map((login) => login.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(logins.map((login) => login.body.user_id)).size).toBe(1);
    const accounts = await accountsOf(tenantId);
    expect(accounts).toEqual([
      expect.objectContaining({
        id: logins[0]?.body.user_id,
        external_id: 'okta-moved',
        source: 'jit',
      }),
    ]);
  });

  it('links crossing first logins without a deadlock or two accounts of one subject or email', async () => {
    const { tenantId } = await createScimTenant(stack);
    const subjects = ['okta-a', 'okta-b', 'okta-c'];
    const emails = ['ray@example.com', 'sol@example.com', 'tam@example.com'];

    const logins = await Promise.all(
      subjects.flatMap((subject) => emails.map((email) => ssoLogin(tenantId, subject, email))),
    );

    expect(logins.map((login) => [login.status, login.body.detail])).toEqual(
      Array.from({ length: 9 }, () => [201, undefined]),
    );
    // Each login linked to an account that holds its subject or its email, so none is held twice.
    const accounts = await accountsOf(tenantId);
    expect(new Set(accounts.map((account) => account.external_id)).size).toBe(accounts.length);
    expect(new Set(accounts.map((account) => account.user_name)).size).toBe(accounts.length);
    expect(accounts.length).toBeGreaterThanOrEqual(1);
    expect(accounts.length).toBeLessThanOrEqual(3);
  });

  it('refuses a deactivated user with 403 and creates no account', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const userId = await scimUser(scim, {
      userName: 'gus@example.com',
      externalId: 'okta-gus',
    });
    const deactivated = await scim.patch(`/Users/${userId}`, [
      { op: 'replace', value: { active: false } },
    ]);
    expect(deactivated.status).toBe(200);

    const byExternalId = await ssoLogin(tenantId, 'okta-gus', 'gus@example.com');
    const byEmailOnly = await ssoLogin(tenantId, 'another-subject', 'GUS@example.com');

    expect(byExternalId.status).toBe(403);
    expect(byExternalId.body.detail).toMatch(/deprovisioned/);
    expect(byEmailOnly.status).toBe(403);
    expect(await accountsOf(tenantId)).toHaveLength(1);
    const sessions = await stack.database.db
      .selectFrom('sessions')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .execute();
    expect(sessions).toEqual([]);
  });

  it('refuses a deleted user with 403 and creates no account, though SCIM no longer sees it', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const userId = await scimUser(scim, {
      userName: 'hana',
      externalId: 'okta-hana',
      emails: [{ value: 'hana@example.com', primary: true }],
    });
    expect((await scim.delete(`/Users/${userId}`)).status).toBe(204);

    const byExternalId = await ssoLogin(tenantId, 'okta-hana', 'hana@example.com');
    const byEmail = await ssoLogin(tenantId, 'new-subject', 'Hana@Example.com');

    expect(byExternalId.status).toBe(403);
    expect(byEmail.status).toBe(403);
    const accounts = await accountsOf(tenantId);
    expect(accounts).toHaveLength(1);
    expect(accounts[0]?.deleted_at).not.toBeNull();
  });

  it('lets the IdP take over a JIT user: POST is 409, the filter finds it, PUT makes it a SCIM user and is audited', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack);
    const login = await ssoLogin(tenantId, 'okta-ivy', 'ivy@example.com', 'Ivy Park');
    expect(login.status).toBe(201);
    const jitUser: string = login.body.user_id;

    // Okta's flow: create, and on a uniqueness conflict look the user up by userName and link.
    const posted = await request(stack, 'POST', '/scim/v2/Users', {
      token: scimToken,
      body: { schemas: [USER_SCHEMA], userName: 'ivy@example.com', externalId: '00u-ivy' },
    });
    expect(posted.status).toBe(409);
    expect(posted.body.scimType).toBe('uniqueness');
    const filter = encodeURIComponent('userName eq "IVY@example.com"');
    const found = await request(stack, 'GET', `/scim/v2/Users?filter=${filter}`, {
      token: scimToken,
    });
    expect(found.status).toBe(200);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(jitUser);

    const replaced = await request(stack, 'PUT', `/scim/v2/Users/${jitUser}`, {
      token: scimToken,
      body: {
        schemas: [USER_SCHEMA],
        userName: 'ivy@example.com',
        externalId: '00u-ivy',
        name: { givenName: 'Ivy', familyName: 'Park' },
        emails: [{ value: 'ivy@example.com', type: 'work', primary: true }],
        active: true,
      },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.id).toBe(jitUser);

    const accounts = await accountsOf(tenantId);
    expect(accounts).toEqual([
      expect.objectContaining({ id: jitUser, source: 'scim', external_id: '00u-ivy' }),
    ]);
    expect(await auditActions(stack.database.db, jitUser)).toEqual([
      'user.jit_provisioned',
      'scim.user.updated',
      'user.source_changed',
    ]);
    const sourceChange = await stack.database.db
      .selectFrom('audit_events')
      .select(['actor_type', 'details'])
      .where('action', '=', 'user.source_changed')
      .where('target_id', '=', jitUser)
      .executeTakeFirstOrThrow();
    expect(sourceChange).toEqual({
      actor_type: 'scim',
      details: { from: 'jit', to: 'scim', operation: 'replace' },
    });

    // The next login still lands on the same account, now owned by SCIM.
    const next = await ssoLogin(tenantId, 'okta-ivy', 'ivy@example.com');
    expect(next.body.user_id).toBe(jitUser);
  });

  it('makes a JIT user a SCIM user on a PATCH that changes no attribute', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack);
    const login = await ssoLogin(tenantId, 'okta-jo', 'jo@example.com');
    const jitUser: string = login.body.user_id;

    // Re-asserting what is already stored is how some IdPs link an existing account.
    const patched = await request(stack, 'PATCH', `/scim/v2/Users/${jitUser}`, {
      token: scimToken,
      body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', value: { active: true } }] },
    });
    expect(patched.status).toBe(200);

    const [account] = await accountsOf(tenantId);
    expect(account?.source).toBe('scim');
    expect(await auditActions(stack.database.db, jitUser)).toEqual([
      'user.jit_provisioned',
      'scim.user.updated',
      'user.source_changed',
    ]);
  });

  it('gives JIT users who sign in while the mapping is replaced the new default role', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack);
    const group = await request(stack, 'POST', '/scim/v2/Groups', {
      token: scimToken,
      body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Staff' },
    });

    const [mapped, ...logins] = await Promise.all([
      request(stack, 'PUT', `/admin/v1/tenants/${tenantId}/scim/group-role-mapping`, {
        token: stack.adminApiKey,
        body: {
          group_role_mapping: [{ group_id: group.body.id, role: 'member' }],
          default_role: 'viewer',
        },
      }),
      ...Array.from({ length: 8 }, (_, index) =>
        ssoLogin(tenantId, `okta-${index}`, `p${index}@example.com`),
      ),
    ]);
    expect(mapped?.status).toBe(200);
    expect(logins.map((login) => login.status)).toEqual(Array(8).fill(201));
    await syncEventsSettled(stack.database.db, tenantId, 15_000);

    const roles = await stack.database.db
      .selectFrom('users')
      .select('role')
      .where('tenant_id', '=', tenantId)
      .execute();
    expect(roles.map((row) => row.role)).toEqual(Array(8).fill('viewer'));
    const introspected = await request(stack, 'POST', '/auth/v1/introspect', {
      token: stack.adminApiKey,
      body: { token: logins[0]?.body.session_token },
    });
    expect(introspected.body).toMatchObject({ active: true, role: 'viewer' });
  });
});
