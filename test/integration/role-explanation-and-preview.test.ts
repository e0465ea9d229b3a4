import { sql } from 'kysely';
import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import { createScimTenant, request } from '../support/http';
import { ScimClient } from '../support/scim-client';
import { syncEventsSettled } from '../support/sync-events';

type Mapping = Array<{ group_id: string; role: string }>;

let stack: TestStack;
stackForFile((started) => (stack = started));

function putMapping(tenantId: string, mapping: Mapping, defaultRole: string | null = null) {
  return request(stack, 'PUT', `/admin/v1/tenants/${tenantId}/scim/group-role-mapping`, {
    token: stack.adminApiKey,
    body: { group_role_mapping: mapping, default_role: defaultRole },
  });
}

function preview(tenantId: string, body: unknown, query = '') {
  return request(
    stack,
    'POST',
    `/admin/v1/tenants/${tenantId}/scim/group-role-mapping:preview${query}`,
    {
      token: stack.adminApiKey,
      body,
      headers: { 'Content-Type': 'application/json' },
    },
  );
}

function getAccount(tenantId: string, userId: string) {
  return request(stack, 'GET', `/admin/v1/tenants/${tenantId}/users/${userId}`, {
    token: stack.adminApiKey,
  });
}

function settled(tenantId: string): Promise<void> {
  return syncEventsSettled(stack.database.db, tenantId);
}

/** Everything a preview must leave alone, read straight from the database. */
async function tenantState(tenantId: string) {
  const db = stack.database.db;
  const [roles, connection, audit, syncEvents] = await Promise.all([
    db
      .selectFrom('users')
      .select(['id', 'role', 'version'])
      .where('tenant_id', '=', tenantId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('scim_connections')
      .select(['group_role_mapping', 'default_role', 'updated_at'])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('audit_events')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('sync_events')
      .select(['id', 'state'])
      .where('tenant_id', '=', tenantId)
      .orderBy('id')
      .execute(),
  ]);

  return { roles, connection, audit, syncEvents };
}

describe('GET /admin/v1/tenants/{tenantId}/users/{userId}', () => {
  it('shows the account with its role and every mapped group that grants one, highest first', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const ana = await scim.createUser('ana@example.com', { externalId: 'okta-ana' });
    const readers = await scim.createGroup('Readers', [ana]);
    const admins = await scim.createGroup('Admins', [ana]);
    await scim.createGroup('Unmapped', [ana]);
    expect(
      (
        await putMapping(
          tenantId,
          [
            { group_id: readers, role: 'viewer' },
            { group_id: admins, role: 'admin' },
          ],
          'member',
        )
      ).status,
    ).toBe(200);
    await settled(tenantId);

    const account = await getAccount(tenantId, ana);

    expect(account.status).toBe(200);
    expect(account.body).toMatchObject({
      id: ana,
      tenant_id: tenantId,
      userName: 'ana@example.com',
      externalId: 'okta-ana',
      active: true,
      source: 'scim',
      deprovisioned_at: null,
      deleted_at: null,
      role: 'admin',
      role_explanation: {
        role: 'admin',
        granted_by: 'mapped_groups',
        none_reason: null,
        groups: [
          { id: admins, displayName: 'Admins', role: 'admin' },
          { id: readers, displayName: 'Readers', role: 'viewer' },
        ],
        reevaluation_pending: false,
      },
    });
    expect(Date.parse(account.body.created_at)).not.toBeNaN();
    expect(Date.parse(account.body.updated_at)).not.toBeNaN();
  });

  it('explains the default role, and no role for an inactive, a deleted and an unmapped user', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const plain = await scim.createUser('plain@example.com');
    const inactive = await scim.createUser('inactive@example.com');
    const deleted = await scim.createUser('deleted@example.com');
    const staff = await scim.createGroup('Staff', [inactive, deleted]);
    expect(
      (await putMapping(tenantId, [{ group_id: staff, role: 'member' }], 'viewer')).status,
    ).toBe(200);
    const deactivated = await scim.setActive(inactive, false);
    expect(deactivated.status).toBe(200);
    expect((await scim.delete(`/Users/${deleted}`)).status).toBe(204);
    await settled(tenantId);

    expect((await getAccount(tenantId, plain)).body).toMatchObject({
      role: 'viewer',
      role_explanation: {
        role: 'viewer',
        granted_by: 'default_role',
        none_reason: null,
        groups: [],
      },
    });
    const inactiveAccount = (await getAccount(tenantId, inactive)).body;
    expect(inactiveAccount).toMatchObject({
      active: false,
      role: null,
      role_explanation: { role: null, granted_by: 'none', none_reason: 'inactive' },
    });
    // Still a member: deactivation keeps memberships, it only stops them granting.
    expect(inactiveAccount.role_explanation.groups).toEqual([
      { id: staff, displayName: 'Staff', role: 'member' },
    ]);
    const deletedAccount = (await getAccount(tenantId, deleted)).body;
    expect(deletedAccount).toMatchObject({
      active: false,
      role: null,
      role_explanation: { role: null, granted_by: 'none', none_reason: 'deleted', groups: [] },
    });
    expect(deletedAccount.deleted_at).not.toBeNull();

    expect((await putMapping(tenantId, [{ group_id: staff, role: 'member' }], null)).status).toBe(
      200,
    );
    await settled(tenantId);
    expect((await getAccount(tenantId, plain)).body).toMatchObject({
      role: null,
      role_explanation: {
        role: null,
        granted_by: 'none',
        none_reason: 'no_mapped_group_and_no_default_role',
        reevaluation_pending: false,
      },
    });
  });

  it('keeps a user whose role becomes none signed in, with role null in introspection', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const cleo = await scim.createUser('cleo@example.com', { externalId: 'okta-cleo' });
    const staff = await scim.createGroup('Staff', [cleo]);
    expect((await putMapping(tenantId, [{ group_id: staff, role: 'member' }])).status).toBe(200);
    await settled(tenantId);
    const login = await request(stack, 'POST', `/auth/v1/tenants/${tenantId}/sso-logins`, {
      token: stack.adminApiKey,
      body: { subject: 'okta-cleo', email: 'cleo@example.com' },
    });
    expect(login.body.user_id).toBe(cleo);
    const introspect = async () =>
      (
        await request(stack, 'POST', '/auth/v1/introspect', {
          token: stack.adminApiKey,
          body: { token: login.body.session_token },
        })
      ).body;
    expect(await introspect()).toMatchObject({ active: true, role: 'member' });

    const removed = await scim.patch(`/Groups/${staff}`, [
      { op: 'remove', path: `members[value eq "${cleo}"]` },
    ]);
    expect(removed.status).toBe(204);
    await settled(tenantId);

    expect(await introspect()).toMatchObject({ active: true, user_id: cleo, role: null });
    expect((await getAccount(tenantId, cleo)).body).toMatchObject({
      active: true,
      role: null,
      role_explanation: {
        granted_by: 'none',
        none_reason: 'no_mapped_group_and_no_default_role',
        groups: [],
      },
    });
  });

  it('says when the stored role has not yet caught up with the directory', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const bo = await scim.createUser('bo@example.com');
    // What a re-evaluation still under way looks like: a stored role the directory no longer gives.
    await stack.database.db
      .updateTable('users')
      .set({ role: 'admin' })
      .where('id', '=', bo)
      .execute();

    const account = await getAccount(tenantId, bo);

    expect(account.body).toMatchObject({
      role: 'admin',
      role_explanation: { role: null, granted_by: 'none', reevaluation_pending: true },
    });
  });

  it('answers 404 for a user of another tenant and for an unknown id', async () => {
    const mine = await createScimTenant(stack);
    const theirs = await ScimClient.forNewTenant(stack, 'Other');
    const theirUser = await theirs.createUser('them@example.com');

    const foreign = await getAccount(mine.tenantId, theirUser);
    const unknown = await getAccount(mine.tenantId, 'usr_00000000000000000000000000');

    expect(foreign.status).toBe(404);
    expect(foreign.body.detail).toBe(`User "${theirUser}" not found in tenant "${mine.tenantId}".`);
    expect(unknown.status).toBe(404);
    expect((await getAccount(theirs.tenantId, theirUser)).status).toBe(200);
  });

  it('needs the admin key', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId, token: scimToken } = scim;
    const userId = await scim.createUser('key@example.com');

    const withScimToken = await request(
      stack,
      'GET',
      `/admin/v1/tenants/${tenantId}/users/${userId}`,
      {
        token: scimToken,
      },
    );

    expect(withScimToken.status).toBe(401);
  });
});

describe('POST /admin/v1/tenants/{tenantId}/scim/group-role-mapping:preview', () => {
  it('lists the role changes a PUT would make and changes nothing', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const ana = await scim.createUser('ana@example.com');
    const bo = await scim.createUser('bo@example.com');
    const cy = await scim.createUser('cy@example.com');
    const admins = await scim.createGroup('Admins', [ana]);
    const staff = await scim.createGroup('Staff', [ana, bo]);
    expect((await putMapping(tenantId, [{ group_id: staff, role: 'member' }])).status).toBe(200);
    await settled(tenantId);
    const before = await tenantState(tenantId);
    const proposal = {
      group_role_mapping: [
        { group_id: admins, role: 'admin' },
        { group_id: staff, role: 'member' },
      ],
      default_role: 'viewer',
    };

    const previewed = await preview(tenantId, proposal);

    expect(previewed.status).toBe(200);
    expect(previewed.body).toEqual({
      total_changes: 2,
      changes: [
        { user_id: ana, userName: 'ana@example.com', old_role: 'member', new_role: 'admin' },
        { user_id: cy, userName: 'cy@example.com', old_role: null, new_role: 'viewer' },
      ],
      next_cursor: null,
    });
    expect(await tenantState(tenantId)).toEqual(before);

    // The PUT then makes exactly the changes the preview listed.
    expect(
      (await putMapping(tenantId, proposal.group_role_mapping, proposal.default_role)).status,
    ).toBe(200);
    await settled(tenantId);
    const audited = await stack.database.db
      .selectFrom('audit_events')
      .select([
        'target_id',
        sql<string>`details->>'old_role'`.as('old_role'),
        sql<string>`details->>'new_role'`.as('new_role'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('action', '=', 'role.changed')
      .where('id', '>', before.audit.at(-1)!.id)
      .orderBy('target_id')
      .execute();
    expect(audited).toEqual(
      previewed.body.changes.map((change: Record<string, unknown>) => ({
        target_id: change.user_id,
        old_role: change.old_role,
        new_role: change.new_role,
      })),
    );
  });

  it('pages with limit and cursor, every page counting all changes', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    const users: string[] = [];
    for (let index = 0; index < 5; index++)
      users.push(await scim.createUser(`u${index}@example.com`));
    const body = { group_role_mapping: [], default_role: 'member' };

    const seen: string[] = [];
    const cursors: Array<string | null> = [];
    let query = '?limit=2';
    for (;;) {
      const page = await preview(tenantId, body, query);
      expect(page.status).toBe(200);
      expect(page.body.total_changes).toBe(5);
      seen.push(...page.body.changes.map((change: { user_id: string }) => change.user_id));
      cursors.push(page.body.next_cursor);
      if (page.body.next_cursor === null) break;
      query = `?limit=2&cursor=${page.body.next_cursor}`;
    }

    expect(seen).toEqual([...users].sort());
    expect(cursors).toEqual([users[1], users[3], null]);
    const all = await preview(tenantId, body);
    expect(all.body.changes).toHaveLength(5);
    expect(all.body.next_cursor).toBeNull();
  });

  it('refuses what PUT refuses, with the same detail, and changes nothing', async () => {
    const scim = await ScimClient.forNewTenant(stack);
    const { tenantId } = scim;
    await scim.createUser('ana@example.com');
    const group = await scim.createGroup('Mine');
    const other = await ScimClient.forNewTenant(stack, 'Other');
    const foreignGroup = await other.createGroup('Theirs');
    const before = await tenantState(tenantId);
    const bodies = [
      { group_role_mapping: [{ group_id: group, role: 'owner' }] },
      { group_role_mapping: [{ group_id: 'not-a-group', role: 'admin' }] },
      { group_role_mapping: [{ group_id: foreignGroup, role: 'admin' }] },
      {
        group_role_mapping: [
          { group_id: group, role: 'admin' },
          { group_id: group, role: 'viewer' },
        ],
      },
      { group_role_mapping: [{ group_id: group, role: 'admin', extra: true }] },
      { default_role: 'viewer' },
    ];

    for (const body of bodies) {
      const previewed = await preview(tenantId, body);
      const put = await request(
        stack,
        'PUT',
        `/admin/v1/tenants/${tenantId}/scim/group-role-mapping`,
        {
          token: stack.adminApiKey,
          body,
        },
      );
      expect([previewed.status, previewed.body.scimType]).toEqual([400, 'invalidValue']);
      expect(previewed.body.detail).toBe(put.body.detail);
    }
    expect(await tenantState(tenantId)).toEqual(before);
  });

  it('refuses a bad limit or cursor and a tenant without SCIM', async () => {
    const { tenantId } = await createScimTenant(stack);
    const body = { group_role_mapping: [], default_role: null };

    for (const query of [
      '?limit=0',
      '?limit=1001',
      '?limit=ten',
      '?limit=2&limit=3',
      '?cursor=grp_x',
    ]) {
      const refused = await preview(tenantId, body, query);
      expect([query, refused.status, refused.body.scimType]).toEqual([query, 400, 'invalidValue']);
    }
    expect((await preview(tenantId, body, '?limit=1000')).status).toBe(200);

    const bare = await request(stack, 'POST', '/admin/v1/tenants', {
      token: stack.adminApiKey,
      body: { name: 'Bare' },
    });
    const noScim = await preview(bare.body.id, body);
    expect(noScim.status).toBe(404);
    expect(noScim.body.detail).toMatch(/SCIM is not enabled/);
  });

  it('is routed apart from the PUT and GET of the mapping', async () => {
    const { tenantId } = await createScimTenant(stack);
    const path = `/admin/v1/tenants/${tenantId}/scim/group-role-mapping`;

    const previewGet = await request(stack, 'GET', `${path}:preview`, { token: stack.adminApiKey });
    const postToMapping = await request(stack, 'POST', path, {
      token: stack.adminApiKey,
      body: { group_role_mapping: [] },
    });

    expect(previewGet.status).toBe(404);
    expect(postToMapping.status).toBe(404);
    expect((await request(stack, 'GET', path, { token: stack.adminApiKey })).body).toEqual({
      group_role_mapping: [],
      default_role: null,
    });
  });
});
