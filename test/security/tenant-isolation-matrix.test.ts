import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database';
import { createScimTenant, request } from '../support/http';
import { settleSyncEvents } from '../support/no-loss';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA } from '../support/scim-client';
import type { TestStack } from '../support/stack';
import { startStack } from '../support/stack';

/**
 * Every SCIM, admin and platform route, called as tenant A on tenant B's
 * resources: 404 (or, where B's id is only a reference in a body, the 400 any
 * unknown id gets), nothing of B in any answer, and nothing of B changed.
 * The route list is read from src/app.ts, so a new route without a case here
 * fails this test.
 */

interface Tenant {
  tenantId: string;
  scimToken: string;
}

interface Fixture {
  a: Tenant & { userId: string; groupId: string };
  b: Tenant & {
    userId: string;
    userName: string;
    externalId: string;
    groupId: string;
    deletedUserId: string;
    syncEventId: string;
    tokenId: string;
    sessionToken: string;
    agentToken: string;
  };
}

type Expectation =
  /** Refused as unknown: 404. */
  | { status: 404 }
  /** B's id appears only as a reference in the body: refused like any unknown id. */
  | { status: 400 }
  /** Answered for A (the status given), with nothing of B in the answer. */
  | { status: number; noLeak: true }
  /** Not scoped to a tenant (the admin key acts for the platform): only B unchanged is checked. */
  | { status: number; global: true };

interface Case {
  method: string;
  path: string;
  body?: unknown;
  token?: 'scim' | 'admin';
  expect: Expectation;
  /** For Bulk: what each operation must answer. */
  operationStatuses?: string[];
  /**
   * Runs after the others, in this order: cases that give A a look-alike of
   * B's user (which A's lists may then rightly show) and the one disabling A.
   */
  last?: number;
}

/** Routes as `METHOD /mount/path` from src/app.ts: every router.<method>(…) of the three routers. */
function declaredRoutes(): string[] {
  const source = readFileSync(join(__dirname, '..', '..', 'src', 'app.ts'), 'utf8');
  const mounts = new Map<string, string>();
  for (const [, prefix, factory] of source.matchAll(/app\.use\('([^']+)', (\w+)\(context\)\)/g)) {
    mounts.set(factory!, prefix!);
  }
  const routes: string[] = [];
  for (const [factory, prefix] of mounts) {
    const body = source.slice(source.indexOf(`function ${factory}(`));
    const block = body.slice(0, body.indexOf('\n}\n'));
    for (const [, method, path] of block.matchAll(
      /router\.(get|post|put|patch|delete)\(\s*'([^']+)'/g,
    )) {
      routes.push(`${method!.toUpperCase()} ${prefix}${path!.replace(/\\\\/g, '')}`);
    }
  }

  return routes.sort();
}

async function seed(stack: TestStack): Promise<Fixture> {
  const admin = { token: stack.adminApiKey };
  const tenant = async (name: string) => createScimTenant(stack, name);
  const user = async (token: string, userName: string, externalId: string) => {
    const created = await request(stack, 'POST', '/scim/v2/Users', {
      token,
      body: {
        schemas: [USER_SCHEMA],
        userName,
        externalId,
        emails: [{ value: userName, primary: true }],
      },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const group = async (token: string, displayName: string, members: string[]) => {
    const created = await request(stack, 'POST', '/scim/v2/Groups', {
      token,
      body: { schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) },
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  const a = await tenant('Tenant A');
  const aUser = await user(a.scimToken, 'ana@a.example', 'a-ext-1');
  const aGroup = await group(a.scimToken, 'A staff', [aUser]);

  const b = await tenant('Tenant B');
  const bUser = await user(b.scimToken, 'bea@b.example', 'b-ext-1');
  const bDeleted = await user(b.scimToken, 'bob@b.example', 'b-ext-2');
  const bGroup = await group(b.scimToken, 'B staff', [bUser, bDeleted]);
  const mapping = await request(
    stack,
    'PUT',
    `/admin/v1/tenants/${b.tenantId}/scim/group-role-mapping`,
    {
      ...admin,
      body: { group_role_mapping: [{ group_id: bGroup, role: 'admin' }], default_role: 'viewer' },
    },
  );
  expect(mapping.status).toBe(200);
  const login = await request(stack, 'POST', `/auth/v1/tenants/${b.tenantId}/sso-logins`, {
    ...admin,
    body: { subject: 'b-ext-1', email: 'bea@b.example' },
  });
  const agent = await request(
    stack,
    'POST',
    `/auth/v1/tenants/${b.tenantId}/users/${bUser}/agent-tokens`,
    {
      ...admin,
      body: { name: 'b agent' },
    },
  );
  expect(
    (await request(stack, 'DELETE', `/scim/v2/Users/${bDeleted}`, { token: b.scimToken })).status,
  ).toBe(204);
  expect(await settleSyncEvents(stack.database.db, [a.tenantId, b.tenantId], 30_000)).toEqual([]);
  const syncEvent = await stack.database.db
    .selectFrom('sync_events')
    .select('id')
    .where('tenant_id', '=', b.tenantId)
    .where('kind', '=', 'deprovision')
    .executeTakeFirstOrThrow();
  const token = await stack.database.db
    .selectFrom('scim_tokens')
    .select('id')
    .where('tenant_id', '=', b.tenantId)
    .executeTakeFirstOrThrow();

  return {
    a: { ...a, userId: aUser, groupId: aGroup },
    b: {
      ...b,
      userId: bUser,
      userName: 'bea@b.example',
      externalId: 'b-ext-1',
      groupId: bGroup,
      deletedUserId: bDeleted,
      syncEventId: syncEvent.id,
      tokenId: token.id,
      sessionToken: login.body.session_token,
      agentToken: agent.body.token,
    },
  };
}

/** Every row of every table that holds tenant B's data. */
async function tenantRows(db: Db, tenantId: string): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  for (const table of [
    'tenants',
    'scim_connections',
    'scim_tokens',
    'users',
    'groups',
    'group_members',
    'sessions',
    'agent_tokens',
    'audit_events',
    'sync_events',
  ]) {
    const column = table === 'tenants' ? 'id' : 'tenant_id';
    const { rows: found } = await sql<{ row: string }>`
      select t::text as row from ${sql.table(table)} t where ${sql.ref(column)} = ${tenantId} order by t::text`.execute(
      db,
    );
    rows[table] = found.map((row) => row.row);
  }

  return rows;
}

/** One case per route: tenant A's path or token, tenant B's ids. */
function cases(f: Fixture): Record<string, Case[]> {
  const { a, b } = f;
  const filter = (text: string) => encodeURIComponent(text);
  const bIdFilter = `id eq "${b.userId}" or userName eq "${b.userName}" or externalId eq "${b.externalId}"`;
  const search = (filterText: string) => ({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
    filter: filterText,
  });
  const rename = {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'displayName', value: 'taken over' }],
  };
  const deactivate = {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'active', value: false }],
  };
  const ta = `/admin/v1/tenants/${a.tenantId}`;
  const noLeak = (status: number) => ({ status, noLeak: true as const });

  return {
    'GET /scim/v2/ServiceProviderConfig': [
      { method: 'GET', path: '/scim/v2/ServiceProviderConfig', expect: noLeak(200) },
    ],
    'GET /scim/v2/ResourceTypes': [
      { method: 'GET', path: '/scim/v2/ResourceTypes', expect: noLeak(200) },
    ],
    'GET /scim/v2/ResourceTypes/:id': [
      { method: 'GET', path: `/scim/v2/ResourceTypes/${b.userId}`, expect: { status: 404 } },
    ],
    'GET /scim/v2/Schemas': [{ method: 'GET', path: '/scim/v2/Schemas', expect: noLeak(200) }],
    'GET /scim/v2/Schemas/:id': [
      { method: 'GET', path: `/scim/v2/Schemas/${b.groupId}`, expect: { status: 404 } },
    ],
    'GET /scim/v2/Users': [
      { method: 'GET', path: `/scim/v2/Users?filter=${filter(bIdFilter)}`, expect: noLeak(200) },
      { method: 'GET', path: '/scim/v2/Users?count=200', expect: noLeak(200) },
    ],
    // The same userName in another tenant is no conflict, and a 409 would tell A that B has it.
    'POST /scim/v2/Users': [
      {
        method: 'POST',
        path: '/scim/v2/Users',
        body: { schemas: [USER_SCHEMA], userName: b.userName, externalId: b.externalId },
        expect: noLeak(201),
        last: 1,
      },
    ],
    'POST /scim/v2/Users/.search': [
      {
        method: 'POST',
        path: '/scim/v2/Users/.search',
        body: search(bIdFilter),
        expect: noLeak(200),
      },
    ],
    'GET /scim/v2/Users/:id': [
      { method: 'GET', path: `/scim/v2/Users/${b.userId}`, expect: { status: 404 } },
      { method: 'GET', path: `/scim/v2/Users/${b.deletedUserId}`, expect: { status: 404 } },
    ],
    'PUT /scim/v2/Users/:id': [
      {
        method: 'PUT',
        path: `/scim/v2/Users/${b.userId}`,
        body: { schemas: [USER_SCHEMA], userName: 'x@a.example', active: false },
        expect: { status: 404 },
      },
    ],
    'PATCH /scim/v2/Users/:id': [
      {
        method: 'PATCH',
        path: `/scim/v2/Users/${b.userId}`,
        body: deactivate,
        expect: { status: 404 },
      },
    ],
    'DELETE /scim/v2/Users/:id': [
      { method: 'DELETE', path: `/scim/v2/Users/${b.userId}`, expect: { status: 404 } },
    ],
    'GET /scim/v2/Groups': [
      {
        method: 'GET',
        path: `/scim/v2/Groups?filter=${filter(`id eq "${b.groupId}" or displayName eq "B staff"`)}`,
        expect: noLeak(200),
      },
      {
        method: 'GET',
        path: `/scim/v2/Groups?filter=${filter(`members[value eq "${b.userId}"]`)}`,
        expect: noLeak(200),
      },
    ],
    'POST /scim/v2/Groups': [
      {
        method: 'POST',
        path: '/scim/v2/Groups',
        body: { schemas: [GROUP_SCHEMA], displayName: 'Steal', members: [{ value: b.userId }] },
        expect: { status: 400 },
      },
    ],
    'POST /scim/v2/Groups/.search': [
      {
        method: 'POST',
        path: '/scim/v2/Groups/.search',
        body: search(`id eq "${b.groupId}"`),
        expect: noLeak(200),
      },
    ],
    'GET /scim/v2/Groups/:id': [
      { method: 'GET', path: `/scim/v2/Groups/${b.groupId}`, expect: { status: 404 } },
    ],
    'PUT /scim/v2/Groups/:id': [
      {
        method: 'PUT',
        path: `/scim/v2/Groups/${b.groupId}`,
        body: { schemas: [GROUP_SCHEMA], displayName: 'taken over', members: [] },
        expect: { status: 404 },
      },
      // A's own group may not take B's user in.
      {
        method: 'PUT',
        path: `/scim/v2/Groups/${a.groupId}`,
        body: { schemas: [GROUP_SCHEMA], displayName: 'A staff', members: [{ value: b.userId }] },
        expect: { status: 400 },
      },
    ],
    'PATCH /scim/v2/Groups/:id': [
      {
        method: 'PATCH',
        path: `/scim/v2/Groups/${b.groupId}`,
        body: rename,
        expect: { status: 404 },
      },
      {
        method: 'PATCH',
        path: `/scim/v2/Groups/${a.groupId}`,
        body: {
          schemas: [PATCH_OP],
          Operations: [{ op: 'add', path: 'members', value: [{ value: b.userId }] }],
        },
        expect: { status: 400 },
      },
    ],
    'DELETE /scim/v2/Groups/:id': [
      { method: 'DELETE', path: `/scim/v2/Groups/${b.groupId}`, expect: { status: 404 } },
    ],
    'GET /scim/v2/': [
      {
        method: 'GET',
        path: `/scim/v2?filter=${filter(`id eq "${b.userId}" or id eq "${b.groupId}"`)}`,
        expect: noLeak(200),
      },
      { method: 'GET', path: '/scim/v2/?count=200', expect: noLeak(200) },
    ],
    'POST /scim/v2/.search': [
      {
        method: 'POST',
        path: '/scim/v2/.search',
        body: search(`id eq "${b.userId}" or id eq "${b.groupId}"`),
        expect: noLeak(200),
      },
    ],
    'POST /scim/v2/Bulk': [
      {
        method: 'POST',
        path: '/scim/v2/Bulk',
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: [
            { method: 'PATCH', path: `/Users/${b.userId}`, data: deactivate },
            { method: 'DELETE', path: `/Users/${b.userId}` },
            {
              method: 'PUT',
              path: `/Groups/${b.groupId}`,
              data: { schemas: [GROUP_SCHEMA], displayName: 'x', members: [] },
            },
            { method: 'DELETE', path: `/Groups/${b.groupId}` },
            {
              method: 'PATCH',
              path: `/Groups/${a.groupId}`,
              data: {
                schemas: [PATCH_OP],
                Operations: [{ op: 'add', path: 'members', value: [{ value: b.userId }] }],
              },
            },
          ],
        },
        expect: noLeak(200),
        operationStatuses: ['404', '404', '404', '404', '400'],
      },
    ],
    'POST /admin/v1/tenants': [
      {
        method: 'POST',
        path: '/admin/v1/tenants',
        body: { name: 'C' },
        token: 'admin',
        expect: { status: 201, global: true },
      },
    ],
    'GET /admin/v1/tenants': [
      {
        method: 'GET',
        path: '/admin/v1/tenants',
        token: 'admin',
        expect: { status: 200, global: true },
      },
    ],
    'GET /admin/v1/tenants/:tenantId': [
      { method: 'GET', path: ta, token: 'admin', expect: noLeak(200) },
    ],
    'POST /admin/v1/tenants/:tenantId/scim': [
      { method: 'POST', path: `${ta}/scim`, token: 'admin', expect: noLeak(409) },
    ],
    'POST /admin/v1/tenants/:tenantId/scim:enable': [
      { method: 'POST', path: `${ta}/scim:enable`, token: 'admin', expect: noLeak(409) },
    ],
    'POST /admin/v1/tenants/:tenantId/scim/tokens': [
      // An overlap keeps A's current token working for the cases after this one.
      {
        method: 'POST',
        path: `${ta}/scim/tokens`,
        body: { overlap_seconds: 3600 },
        token: 'admin',
        expect: noLeak(201),
      },
    ],
    'GET /admin/v1/tenants/:tenantId/scim/tokens': [
      { method: 'GET', path: `${ta}/scim/tokens`, token: 'admin', expect: noLeak(200) },
    ],
    'DELETE /admin/v1/tenants/:tenantId/scim/tokens/:tokenId': [
      {
        method: 'DELETE',
        path: `${ta}/scim/tokens/${b.tokenId}`,
        token: 'admin',
        expect: { status: 404 },
      },
    ],
    'GET /admin/v1/tenants/:tenantId/scim/group-role-mapping': [
      { method: 'GET', path: `${ta}/scim/group-role-mapping`, token: 'admin', expect: noLeak(200) },
    ],
    'PUT /admin/v1/tenants/:tenantId/scim/group-role-mapping': [
      {
        method: 'PUT',
        path: `${ta}/scim/group-role-mapping`,
        body: { group_role_mapping: [{ group_id: b.groupId, role: 'admin' }], default_role: null },
        token: 'admin',
        expect: { status: 400 },
      },
    ],
    'POST /admin/v1/tenants/:tenantId/scim/group-role-mapping:preview': [
      {
        method: 'POST',
        path: `${ta}/scim/group-role-mapping:preview`,
        body: { group_role_mapping: [{ group_id: b.groupId, role: 'admin' }], default_role: null },
        token: 'admin',
        expect: { status: 400 },
      },
    ],
    'GET /admin/v1/tenants/:tenantId/sync-events': [
      { method: 'GET', path: `${ta}/sync-events`, token: 'admin', expect: noLeak(200) },
      {
        method: 'GET',
        path: `${ta}/sync-events?user=${b.userId}`,
        token: 'admin',
        expect: noLeak(200),
      },
    ],
    'POST /admin/v1/tenants/:tenantId/sync-events/replay-failed': [
      {
        method: 'POST',
        path: `${ta}/sync-events/replay-failed`,
        body: {},
        token: 'admin',
        expect: noLeak(200),
      },
    ],
    'GET /admin/v1/tenants/:tenantId/sync-events/:syncEventId': [
      {
        method: 'GET',
        path: `${ta}/sync-events/${b.syncEventId}`,
        token: 'admin',
        expect: { status: 404 },
      },
    ],
    'POST /admin/v1/tenants/:tenantId/sync-events/:syncEventId/replay': [
      {
        method: 'POST',
        path: `${ta}/sync-events/${b.syncEventId}/replay`,
        body: {},
        token: 'admin',
        expect: { status: 404 },
      },
    ],
    'POST /admin/v1/tenants/:tenantId/roles/reevaluate': [
      {
        method: 'POST',
        path: `${ta}/roles/reevaluate`,
        body: {},
        token: 'admin',
        expect: noLeak(202),
      },
    ],
    'GET /admin/v1/tenants/:tenantId/audit-events': [
      { method: 'GET', path: `${ta}/audit-events?limit=500`, token: 'admin', expect: noLeak(200) },
      {
        method: 'GET',
        path: `${ta}/audit-events?target=${b.userId}`,
        token: 'admin',
        expect: noLeak(200),
      },
    ],
    'GET /admin/v1/tenants/:tenantId/audit-events/export': [
      { method: 'GET', path: `${ta}/audit-events/export`, token: 'admin', expect: noLeak(200) },
    ],
    'GET /admin/v1/tenants/:tenantId/users/:userId': [
      { method: 'GET', path: `${ta}/users/${b.userId}`, token: 'admin', expect: { status: 404 } },
    ],
    'GET /admin/v1/tenants/:tenantId/users': [
      { method: 'GET', path: `${ta}/users`, token: 'admin', expect: noLeak(200) },
      {
        method: 'GET',
        path: `${ta}/users?ids=${b.userId},${b.deletedUserId}&group=${b.groupId}`,
        token: 'admin',
        expect: noLeak(200),
      },
    ],
    'GET /admin/v1/tenants/:tenantId/groups': [
      { method: 'GET', path: `${ta}/groups`, token: 'admin', expect: noLeak(200) },
    ],
    // Disabling A last: it revokes A's SCIM tokens.
    'POST /admin/v1/tenants/:tenantId/scim:disable': [
      {
        method: 'POST',
        path: `${ta}/scim:disable`,
        body: {},
        token: 'admin',
        expect: noLeak(200),
        last: 3,
      },
    ],
    'POST /auth/v1/tenants/:tenantId/sso-logins': [
      // B's person signing in to A is a stranger to A: a new account of A's, never B's.
      {
        method: 'POST',
        path: `/auth/v1/tenants/${a.tenantId}/sso-logins`,
        body: { subject: b.externalId, email: b.userName },
        token: 'admin',
        expect: noLeak(201),
        last: 2,
      },
    ],
    'POST /auth/v1/tenants/:tenantId/users/:userId/agent-tokens': [
      {
        method: 'POST',
        path: `/auth/v1/tenants/${a.tenantId}/users/${b.userId}/agent-tokens`,
        body: { name: 'steal' },
        token: 'admin',
        expect: { status: 404 },
      },
    ],
    'POST /auth/v1/introspect': [
      {
        method: 'POST',
        path: '/auth/v1/introspect',
        body: { token: b.sessionToken },
        token: 'admin',
        expect: { status: 200, global: true },
      },
    ],
  };
}

let stack: TestStack;
let fixture: Fixture;

/** Like request(), but keeps the text: the audit export answers JSON Lines. */
async function send(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: any;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }

  return { status: response.status, text, body: parsed };
}

beforeAll(async () => {
  stack = await startStack();
  fixture = await seed(stack);
}, 90_000);

afterAll(async () => {
  await stack.stop();
});

describe('tenant isolation on every route', () => {
  it('has a case for every route src/app.ts declares', () => {
    expect(Object.keys(cases(fixture)).sort()).toEqual(declaredRoutes());
  });

  it("answers tenant A on tenant B's ids with 404, shows A nothing of B, and changes nothing of B", async () => {
    const { a, b } = fixture;
    const secrets = [
      b.tenantId,
      b.userId,
      b.deletedUserId,
      b.groupId,
      b.syncEventId,
      b.tokenId,
      b.userName,
      b.externalId,
      'B staff',
    ];
    const before = await tenantRows(stack.database.db, b.tenantId);
    const all = Object.entries(cases(fixture)).flatMap(([route, list]) =>
      list.map((item) => ({ route, ...item })),
    );
    all.sort((x, y) => (x.last ?? 0) - (y.last ?? 0));

    const outcomes: Array<{ route: string; path: string; problem: string }> = [];
    for (const item of all) {
      const token = item.token === 'admin' ? stack.adminApiKey : a.scimToken;
      const result = await send(item.method, item.path, token, item.body);
      const text = result.text;
      const problem = (message: string) =>
        outcomes.push({ route: item.route, path: item.path, problem: message });
      if (result.status !== item.expect.status)
        problem(`answered ${result.status}: ${text.slice(0, 200)}`);
      // Nothing of B the caller did not send itself (a 404 may repeat the id it was asked for).
      const sent = item.path + JSON.stringify(item.body ?? '');
      const shown = secrets.filter((secret) => text.includes(secret) && !sent.includes(secret));
      if (!('global' in item.expect) && shown.length > 0) problem(`shows ${shown.join(', ')}`);
      if (item.operationStatuses !== undefined) {
        const statuses = (result.body?.Operations ?? []).map(
          (operation: { status: string }) => operation.status,
        );
        if (JSON.stringify(statuses) !== JSON.stringify(item.operationStatuses))
          problem(`operations answered ${statuses.join(', ')}`);
      }
      if (item.path.includes('/sso-logins') && result.body?.user_id === b.userId)
        problem("signed in as B's user");
    }
    await settleSyncEvents(stack.database.db, [a.tenantId], 30_000);

    expect(outcomes).toEqual([]);
    expect(await tenantRows(stack.database.db, b.tenantId)).toEqual(before);
    // B's credentials still work: nothing A did reached them.
    expect(
      (await request(stack, 'GET', `/scim/v2/Users/${b.userId}`, { token: b.scimToken })).status,
    ).toBe(200);
    const introspected = await request(stack, 'POST', '/auth/v1/introspect', {
      token: stack.adminApiKey,
      body: { token: b.agentToken },
    });
    expect(introspected.body).toMatchObject({
      active: true,
      tenant_id: b.tenantId,
      user_id: b.userId,
    });
  });

  it('refuses the SCIM token on every admin and platform route, and admin, session and agent tokens on every SCIM route', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack, 'Tokens');
    const wrong: string[] = [];
    for (const route of declaredRoutes()) {
      const [method, pattern] = route.split(' ') as [string, string];
      const path = pattern.replace(/:(\w+)/g, (_, name: string) =>
        name === 'tenantId' ? tenantId : `${name}_x`,
      );
      const tokens = path.startsWith('/scim/')
        ? { admin: stack.adminApiKey, session: fixture.b.sessionToken, agent: fixture.b.agentToken }
        : { scim: scimToken, session: fixture.b.sessionToken, agent: fixture.b.agentToken };
      for (const [kind, token] of Object.entries(tokens)) {
        const result = await request(stack, method, path, {
          token,
          body: method === 'GET' || method === 'DELETE' ? undefined : {},
        });
        if (result.status !== 401 || result.headers.get('www-authenticate') === null) {
          wrong.push(`${route} with the ${kind} token: ${result.status}`);
        }
      }
    }

    expect(wrong).toEqual([]);
  });
});
