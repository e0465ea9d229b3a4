import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { dashboardBuildDirectory, dashboardRouter } from '../../src/dashboard/serve-dashboard';
import { errorHandler } from '../../src/http/error-handler';
import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import { createScimTenant, eventually, request } from '../support/http';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let stack: TestStack;
stackForFile((started) => (stack = started));

const admin = () => ({ token: stack.adminApiKey });

function get(path: string) {
  return request(stack, 'GET', `/admin/v1${path}`, admin());
}

async function pushUser(
  token: string,
  userName: string,
  attributes: Record<string, unknown> = {},
): Promise<string> {
  const created = await request(stack, 'POST', '/scim/v2/Users', {
    token,
    body: {
      schemas: [USER_SCHEMA],
      userName,
      emails: [{ value: userName, type: 'work', primary: true }],
      active: true,
      ...attributes,
    },
  });
  expect([created.status, created.body?.detail]).toEqual([201, undefined]);

  return created.body.id;
}

async function pushGroup(token: string, displayName: string, members: string[]): Promise<string> {
  const created = await request(stack, 'POST', '/scim/v2/Groups', {
    token,
    body: { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) },
  });
  expect(created.status).toBe(201);

  return created.body.id;
}

function patchActive(token: string, userId: string, active: boolean) {
  return request(stack, 'PATCH', `/scim/v2/Users/${userId}`, {
    token,
    body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: active }] },
  });
}

async function mapGroups(tenantId: string, mapping: Array<{ group_id: string; role: string }>) {
  const saved = await request(
    stack,
    'PUT',
    `/admin/v1/tenants/${tenantId}/scim/group-role-mapping`,
    {
      ...admin(),
      body: { group_role_mapping: mapping, default_role: null },
    },
  );
  expect(saved.status).toBe(200);
  await eventually(async () => {
    const event = await stack.database.db
      .selectFrom('sync_events')
      .select('state')
      .where('id', '=', saved.body.sync_event_id)
      .executeTakeFirstOrThrow();

    return event.state === 'completed' ? true : undefined;
  }, 30_000);
}

function userNames(body: { items: Array<{ userName: string }> }): string[] {
  return body.items.map((user) => user.userName);
}

describe('admin API for the dashboard: tenants', () => {
  it('lists tenants by name with whether SCIM is on, searchable and paged without gaps', async () => {
    const prefix = `Tl${Date.now()}`;
    const never = await request(stack, 'POST', '/admin/v1/tenants', {
      ...admin(),
      body: { name: `${prefix} Charlie` },
    });
    const { tenantId: on } = await createScimTenant(stack, `${prefix} alpha`);
    const { tenantId: off } = await createScimTenant(stack, `${prefix} Bravo`);
    expect(
      (await request(stack, 'POST', `/admin/v1/tenants/${off}/scim:disable`, admin())).status,
    ).toBe(200);

    const first = await get(`/tenants?q=${prefix}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      { id: on, name: `${prefix} alpha`, created_at: expect.any(String), scim_status: 'enabled' },
      { id: off, name: `${prefix} Bravo`, created_at: expect.any(String), scim_status: 'disabled' },
    ]);
    const second = await get(`/tenants?q=${prefix}&limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body).toEqual({
      items: [expect.objectContaining({ id: never.body.id, scim_status: 'never_enabled' })],
      next_cursor: null,
    });
    expect(
      (await get(`/tenants?q=${on}`)).body.items.map((tenant: { id: string }) => tenant.id),
    ).toEqual([on]);
  });

  it('refuses a cursor it did not issue, and any caller without the admin key', async () => {
    const forged = await get('/tenants?cursor=bm90LWEtY3Vyc29y');
    expect(forged.status).toBe(400);
    expect(forged.body).toMatchObject({
      scimType: 'invalidValue',
      detail: expect.stringMatching(/^"cursor"/),
    });

    const anonymous = await request(stack, 'GET', '/admin/v1/tenants');
    expect(anonymous.status).toBe(401);
    const unknownParameter = await get('/tenants?sort=name');
    expect(unknownParameter.status).toBe(400);
  });

  it('sums a tenant up: SCIM state, base URL, accounts, groups and sync events by state', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack, 'Overview Inc');
    const ana = await pushUser(scimToken, 'ana@overview.test');
    const ben = await pushUser(scimToken, 'ben@overview.test');
    const cy = await pushUser(scimToken, 'cy@overview.test');
    const group = await pushGroup(scimToken, 'Admins', [ana]);
    await mapGroups(tenantId, [{ group_id: group, role: 'admin' }]);
    expect((await patchActive(scimToken, ben, false)).status).toBe(200);
    expect(
      (await request(stack, 'DELETE', `/scim/v2/Users/${cy}`, { token: scimToken })).status,
    ).toBe(204);

    const overview = await eventually(async () => {
      const answer = await get(`/tenants/${tenantId}`);
      const { pending, running } = answer.body.sync_events;

      return pending + running === 0 ? answer : undefined;
    }, 30_000);

    expect(overview.status).toBe(200);
    expect(overview.body).toEqual({
      id: tenantId,
      name: 'Overview Inc',
      created_at: expect.any(String),
      scim: {
        status: 'enabled',
        scim_base_url: `${stack.baseUrl}/scim/v2`,
        changed_at: expect.any(String),
        live_tokens: 1,
        last_used_at: expect.any(String),
      },
      directory: {
        users_active: 1,
        users_inactive: 1,
        users_deleted: 1,
        groups: 1,
        mapped_groups: 1,
        default_role: null,
      },
      sync_events: expect.objectContaining({ pending: 0, running: 0, failed: 0 }),
    });
    const completed = await stack.database.db
      .selectFrom('sync_events')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('tenant_id', '=', tenantId)
      .where('state', '=', 'completed')
      .executeTakeFirstOrThrow();
    expect(overview.body.sync_events.completed).toBe(Number(completed.count));
    expect(Number(completed.count)).toBeGreaterThanOrEqual(3);
  });

  it('answers 404 for a tenant that does not exist, naming it', async () => {
    const missing = await get('/tenants/ten_00000000000000000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe('Tenant "ten_00000000000000000000000000" not found.');
  });
});

describe('admin API for the dashboard: users and groups', () => {
  it('lists every account by userName with status, when it changed, source, role and groups', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack, 'Directory Co');
    const zoe = await pushUser(scimToken, 'zoe@directory.test', { displayName: 'Zoë Adams' });
    const max = await pushUser(scimToken, 'Max@directory.test');
    const gone = await pushUser(scimToken, 'gone@directory.test');
    const engineering = await pushGroup(scimToken, 'Engineering', [zoe, max]);
    await mapGroups(tenantId, [{ group_id: engineering, role: 'member' }]);
    expect((await patchActive(scimToken, max, false)).status).toBe(200);
    expect(
      (await request(stack, 'DELETE', `/scim/v2/Users/${gone}`, { token: scimToken })).status,
    ).toBe(204);
    const jit = await request(stack, 'POST', `/auth/v1/tenants/${tenantId}/sso-logins`, {
      ...admin(),
      body: { subject: 'sso-kim', email: 'kim@directory.test' },
    });
    expect(jit.status).toBe(201);
    await eventually(async () => {
      const stored = await stack.database.db
        .selectFrom('users')
        .select(['deprovisioned_at', 'role'])
        .where('id', '=', max)
        .executeTakeFirstOrThrow();

      return stored.deprovisioned_at !== null && stored.role === null ? true : undefined;
    }, 30_000);

    const listed = await get(`/tenants/${tenantId}/users`);

    expect(listed.status).toBe(200);
    expect(userNames(listed.body)).toEqual([
      'gone@directory.test',
      'kim@directory.test',
      'Max@directory.test',
      'zoe@directory.test',
    ]);
    const [deleted, justInTime, deactivated, active] = listed.body.items;
    expect(active).toEqual({
      id: zoe,
      userName: 'zoe@directory.test',
      displayName: 'Zoë Adams',
      email: 'zoe@directory.test',
      externalId: null,
      status: 'active',
      active: true,
      source: 'scim',
      role: 'member',
      created_at: expect.any(String),
      updated_at: expect.any(String),
      deprovisioned_at: null,
      deleted_at: null,
      groups: [{ id: engineering, displayName: 'Engineering' }],
    });
    expect(deactivated).toMatchObject({
      status: 'inactive',
      role: null,
      deprovisioned_at: expect.any(String),
    });
    expect(deleted).toMatchObject({ id: gone, status: 'deleted', deleted_at: expect.any(String) });
    expect(justInTime).toMatchObject({ id: jit.body.user_id, source: 'jit', status: 'active' });
    expect(listed.body.next_cursor).toBeNull();
  });

  it('filters users by search text, status, source, role, group and ids', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack, 'Filters Co');
    const ada = await pushUser(scimToken, 'ada@filters.test', {
      displayName: 'Ada Lovelace',
      externalId: 'ext-ada',
    });
    const bob = await pushUser(scimToken, 'bob_100%@filters.test');
    const cat = await pushUser(scimToken, 'cat@filters.test');
    const admins = await pushGroup(scimToken, 'Admins', [ada]);
    await mapGroups(tenantId, [{ group_id: admins, role: 'admin' }]);
    expect((await patchActive(scimToken, cat, false)).status).toBe(200);
    const users = `/tenants/${tenantId}/users`;

    expect(userNames((await get(`${users}?q=lovelace`)).body)).toEqual(['ada@filters.test']);
    expect(userNames((await get(`${users}?q=ext-ada`)).body)).toEqual(['ada@filters.test']);
    expect(userNames((await get(`${users}?q=${bob}`)).body)).toEqual(['bob_100%@filters.test']);
    // % and _ are literal characters in a search, not wildcards.
    expect(userNames((await get(`${users}?q=${encodeURIComponent('_100%')}`)).body)).toEqual([
      'bob_100%@filters.test',
    ]);
    expect(userNames((await get(`${users}?q=${encodeURIComponent('a%t')}`)).body)).toEqual([]);
    expect(userNames((await get(`${users}?status=inactive`)).body)).toEqual(['cat@filters.test']);
    expect(userNames((await get(`${users}?status=active&role=none`)).body)).toEqual([
      'bob_100%@filters.test',
    ]);
    expect(userNames((await get(`${users}?role=admin`)).body)).toEqual(['ada@filters.test']);
    expect(userNames((await get(`${users}?source=jit`)).body)).toEqual([]);
    expect(userNames((await get(`${users}?group=${admins}`)).body)).toEqual(['ada@filters.test']);
    expect(userNames((await get(`${users}?ids=${cat},${ada}`)).body)).toEqual([
      'ada@filters.test',
      'cat@filters.test',
    ]);
  });

  it('pages users alphabetically without skipping or repeating anyone', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack, 'Paging Co');
    const names = ['d@p.test', 'B@p.test', 'a@p.test', 'c@p.test', 'E@p.test'];
    for (const name of names) await pushUser(scimToken, name);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof get>> = await get(
        `/tenants/${tenantId}/users?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      expect(page.status).toBe(200);
      seen.push(...userNames(page.body));
      cursor = page.body.next_cursor;
    } while (cursor !== null);

    expect(seen).toEqual(['a@p.test', 'B@p.test', 'c@p.test', 'd@p.test', 'E@p.test']);
  });

  it('refuses malformed filters with a detail naming the parameter, and hides other tenants', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack, 'Strict Co');
    const { tenantId: otherTenant, scimToken: otherToken } = await createScimTenant(
      stack,
      'Other Co',
    );
    const mine = await pushUser(scimToken, 'mine@strict.test');
    const theirs = await pushUser(otherToken, 'theirs@other.test');
    await pushGroup(otherToken, 'Theirs', [theirs]);
    const users = `/tenants/${tenantId}/users`;

    const badGroup = await get(`${users}?group=engineering`);
    expect(badGroup.status).toBe(400);
    expect(badGroup.body).toMatchObject({
      scimType: 'invalidValue',
      detail: '"group" must be a group id (grp_…); "engineering" is not one.',
    });
    const badIds = await get(`${users}?ids=${mine},nope`);
    expect(badIds.body).toMatchObject({
      scimType: 'invalidValue',
      detail: expect.stringContaining('"nope"'),
    });
    const badStatus = await get(`${users}?status=suspended`);
    expect([badStatus.status, badStatus.body.detail]).toEqual([
      400,
      expect.stringContaining('"status"'),
    ]);
    const tooMany = await get(`${users}?limit=501`);
    expect(tooMany.status).toBe(400);

    expect(userNames((await get(`${users}?ids=${theirs}`)).body)).toEqual([]);
    expect(userNames((await get(`${users}?q=theirs`)).body)).toEqual([]);
    expect((await get(`/tenants/${tenantId}/groups`)).body.items).toEqual([]);
    expect(userNames((await get(`/tenants/${otherTenant}/users`)).body)).toEqual([
      'theirs@other.test',
    ]);
    expect((await get('/tenants/ten_00000000000000000000000000/users')).status).toBe(404);
  });

  it('lists groups by name with their member count and the role the mapping gives them', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack, 'Groups Co');
    const ana = await pushUser(scimToken, 'ana@groups.test');
    const ben = await pushUser(scimToken, 'ben@groups.test');
    const staff = await pushGroup(scimToken, 'staff', [ana, ben]);
    const admins = await pushGroup(scimToken, 'Admins', [ana]);
    const empty = await pushGroup(scimToken, 'Contractors', []);
    await mapGroups(tenantId, [
      { group_id: admins, role: 'admin' },
      { group_id: staff, role: 'viewer' },
    ]);

    const listed = await get(`/tenants/${tenantId}/groups`);

    expect(listed.status).toBe(200);
    expect(
      listed.body.items.map((group: Record<string, unknown>) => [
        group.id,
        group.displayName,
        group.member_count,
        group.mapped_role,
      ]),
    ).toEqual([
      [admins, 'Admins', 1, 'admin'],
      [empty, 'Contractors', 0, null],
      [staff, 'staff', 2, 'viewer'],
    ]);
    expect((await get(`/tenants/${tenantId}/groups?q=CONTRACT`)).body.items).toEqual([
      expect.objectContaining({ id: empty }),
    ]);
    const firstPage = await get(`/tenants/${tenantId}/groups?limit=2`);
    const rest = await get(
      `/tenants/${tenantId}/groups?limit=2&cursor=${firstPage.body.next_cursor}`,
    );
    expect(rest.body).toEqual({
      items: [expect.objectContaining({ id: staff })],
      next_cursor: null,
    });
  });
});

describe('the /dashboard page', () => {
  it('serves the built page with a strict content security policy, never cached', async () => {
    const page = await fetch(`${stack.baseUrl}/dashboard/`);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await page.text();
    const script = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    // Everything the page loads comes from this origin.
    expect(html).not.toMatch(/(src|href)="https?:/);

    const asset = await fetch(`${stack.baseUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toContain('/admin/v1');

    const missing = await fetch(`${stack.baseUrl}/dashboard/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { detail: string }).detail).toBe(
      'Nothing at GET /dashboard/assets/nope.js.',
    );
  });

  it('says how to build the page when there is no build, instead of a bare error', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'bulwark-no-dashboard-'));
    const app = express().use('/dashboard', dashboardRouter(empty)).use(errorHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const page = await fetch(`http://127.0.0.1:${port}/dashboard/`);

      expect(page.status).toBe(503);
      expect(await page.text()).toContain('npm run build:dashboard');
    } finally {
      server.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('finds the build under dist/ from the package root, compiled or not', () => {
    const root = join(__dirname, '..', '..');

    expect(dashboardBuildDirectory(join(root, 'src', 'dashboard'))).toBe(
      join(root, 'dist', 'dashboard'),
    );
    expect(dashboardBuildDirectory(join(root, 'dist', 'src', 'dashboard'))).toBe(
      join(root, 'dist', 'dashboard'),
    );
  });
});
