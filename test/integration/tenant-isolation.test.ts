import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import { createScimTenant, request } from '../support/http';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

let stack: TestStack;
stackForFile((started) => (stack = started), { worker: false });

describe('tenant authentication and isolation', () => {
  it('answers 401 with a SCIM error for a missing or wrong token', async () => {
    const missing = await request(stack, 'GET', '/scim/v2/Users');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toMatch(/application\/scim\+json/);
    expect(missing.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '401',
    });

    const wrong = await request(stack, 'GET', '/scim/v2/Users', { token: 'bwscim_not-a-real-token' });
    expect(wrong.status).toBe(401);
  });

  it('refuses the admin key on SCIM and a SCIM token on the admin API', async () => {
    const { scimToken } = await createScimTenant(stack);
    expect((await request(stack, 'GET', '/scim/v2/Users', { token: stack.adminApiKey })).status).toBe(401);
    expect((await request(stack, 'POST', '/admin/v1/tenants', { token: scimToken, body: { name: 'x' } })).status).toBe(401);
  });

  it("answers 404 to another tenant's user ids and changes nothing", async () => {
    const a = await createScimTenant(stack, 'Tenant A');
    const b = await createScimTenant(stack, 'Tenant B');
    const created = await request(stack, 'POST', '/scim/v2/Users', {
      token: b.scimToken,
      body: { schemas: [USER_SCHEMA], userName: 'only.in.b@example.com' },
    });
    const id = created.body.id;
    const asA = { token: a.scimToken };

    expect((await request(stack, 'GET', `/scim/v2/Users/${id}`, asA)).status).toBe(404);
    expect((await request(stack, 'PUT', `/scim/v2/Users/${id}`, { ...asA, body: { schemas: [USER_SCHEMA], userName: 'taken@example.com' } })).status).toBe(404);
    expect((await request(stack, 'PATCH', `/scim/v2/Users/${id}`, { ...asA, body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] } })).status).toBe(404);
    expect((await request(stack, 'DELETE', `/scim/v2/Users/${id}`, asA)).status).toBe(404);
    const listed = await request(stack, 'GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "only.in.b@example.com"')}`, asA);
    expect(listed.body.totalResults).toBe(0);

    const row = await stack.database.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_name: 'only.in.b@example.com', active: true, deleted_at: null, version: 1 });
  });

  it('rejects the old SCIM token after a rotation and accepts the new one', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack);
    const rotated = await request(stack, 'POST', `/admin/v1/tenants/${tenantId}/scim/tokens`, { token: stack.adminApiKey, body: {} });
    expect(rotated.status).toBe(201);
    expect((await request(stack, 'GET', '/scim/v2/Users', { token: scimToken })).status).toBe(401);
    expect((await request(stack, 'GET', '/scim/v2/Users', { token: rotated.body.token })).status).toBe(200);
  });
});
