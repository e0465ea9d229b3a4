import type { TestStack } from '../support/stack';
import { startStack } from '../support/stack';
import { createScimTenant, request } from '../support/http';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

let stack: TestStack;
let scimToken: string;
let tenantId: string;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  ({ scimToken, tenantId } = await createScimTenant(stack));
});

afterAll(async () => {
  await stack.stop();
});

async function userCount(): Promise<number> {
  const row = await stack.database.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();

  return Number(row.count);
}

async function rawPost(path: string, body: Buffer | string, token = scimToken) {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
    body,
  });

  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

describe('hostile text in requests', () => {
  it.each([
    ['userName', { schemas: [USER_SCHEMA], userName: 'a\u0000b@example.com' }],
    ['name.givenName', { schemas: [USER_SCHEMA], userName: 'ok@example.com', name: { givenName: 'x\u0000' } }],
    ['displayName (an unpaired surrogate)', { schemas: [USER_SCHEMA], userName: 'ok@example.com', displayName: 'x\ud800y' }],
  ])('refuses a NUL or broken Unicode in %s with 400 and creates nothing', async (_where, body) => {
    const before = await userCount();
    const result = await request(stack, 'POST', '/scim/v2/Users', { token: scimToken, body });

    expect(result.status).toBe(400);
    expect(result.headers.get('content-type')).toMatch(/application\/scim\+json/);
    expect(result.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(result.body.detail).toMatch(/NUL|surrogate/);
    expect(await userCount()).toBe(before);
  });

  it('refuses a NUL in a group member id and on the admin and platform APIs', async () => {
    const group = await request(stack, 'POST', '/scim/v2/Groups', {
      token: scimToken,
      body: { schemas: [GROUP_SCHEMA], displayName: 'G', members: [{ value: 'usr_\u0000' }] },
    });
    expect(group.status).toBe(400);
    const tenant = await request(stack, 'POST', '/admin/v1/tenants', { token: stack.adminApiKey, body: { name: 'x\u0000' } });
    expect(tenant.status).toBe(400);
    const login = await request(stack, 'POST', `/auth/v1/tenants/${tenantId}/sso-logins`, {
      token: stack.adminApiKey,
      body: { subject: 's\u0000', email: 'nul@example.com' },
    });
    expect(login.status).toBe(400);
  });

  it('refuses a body that is not valid UTF-8 instead of storing replacement characters', async () => {
    const before = await userCount();
    const prefix = Buffer.from(`{"schemas":["${USER_SCHEMA}"],"userName":"bad`);
    const result = await rawPost('/scim/v2/Users', Buffer.concat([prefix, Buffer.from([0xc3, 0x28]), Buffer.from('@example.com"}')]));

    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ scimType: 'invalidSyntax', detail: 'The request body is not valid UTF-8.' });
    expect(await userCount()).toBe(before);
  });

  it.each(['/scim/v2/Users/%ZZ', '/scim/v2/Users/%E0%A4%A', '/scim/v2/Users/%00', '/scim/v2/Groups/abc%00def'])(
    'answers %s with a 4xx SCIM error, never a 500',
    async (path) => {
      const result = await request(stack, 'GET', path, { token: scimToken });

      expect(result.status).toBe(400);
      expect(result.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    },
  );
});

describe('values too long to look resources up by', () => {
  const scim = (method: string, path: string, body?: unknown) =>
    request(stack, method, `/scim/v2${path}`, { token: scimToken, body });
  // Random hex does not compress, as PostgreSQL would compress a repeated letter in the index.
  const incompressible = (bytes: number) =>
    Array.from({ length: bytes / 2 }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0')).join('');

  it('refuses a userName, externalId or group displayName over 2,048 bytes with 400 and stores nothing', async () => {
    const before = await userCount();
    const longName = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: `${incompressible(2800)}@x.test` });
    expect(longName.status).toBe(400);
    expect(longName.body).toMatchObject({ scimType: 'invalidValue', detail: expect.stringMatching(/"userName" is \d+ bytes long/) });
    // Two-byte characters: 1,024 of them fit exactly, one more does not.
    expect((await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'é'.repeat(1024) })).status).toBe(201);
    expect((await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'ü'.repeat(1025) })).status).toBe(400);
    expect(await userCount()).toBe(before + 1);

    const user = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'short@x.test' });
    const patched = await scim('PATCH', `/Users/${user.body.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'externalId', value: incompressible(3000) }],
    });
    expect(patched.status).toBe(400);
    expect(patched.body.detail).toMatch(/"externalId" is 3000 bytes long/);
    expect((await scim('GET', `/Users/${user.body.id}`)).body.externalId).toBeUndefined();

    const group = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Short' });
    const renamed = await scim('PUT', `/Groups/${group.body.id}`, { schemas: [GROUP_SCHEMA], displayName: incompressible(3000) });
    expect(renamed.status).toBe(400);
    expect(renamed.body.scimType).toBe('invalidValue');
    expect((await scim('GET', `/Groups/${group.body.id}`)).body.displayName).toBe('Short');

    const bulk = await scim('POST', '/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [{ method: 'POST', path: '/Users', bulkId: 'long', data: { schemas: [USER_SCHEMA], userName: incompressible(3000) } }],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.Operations[0].status).toBe('400');
  });
});
