import { createScimTenant, request } from '../support/http';
import { USER_SCHEMA, expectScimError, tenantSnapshot } from '../support/scim-client';
import type { TestStack } from '../support/stack';
import { startStack } from '../support/stack';

let stack: TestStack;
let tenantId: string;
let scimToken: string;

beforeAll(async () => {
  stack = await startStack({
    worker: false,
    dispatcher: false,
    env: { TEMPORAL_ADDRESS: '127.0.0.1:1' },
  });
  ({ tenantId, scimToken } = await createScimTenant(stack, 'Hardening'));
}, 60_000);

afterAll(async () => {
  await stack.stop();
});

async function raw(method: string, path: string, token: string | undefined, body?: string) {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'Content-Type': 'application/scim+json' }),
    },
    body,
  });
  const text = await response.text();

  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

describe('request body limits', () => {
  const justOver = (prefix: string, suffix: string) =>
    `${prefix}${'x'.repeat(1_048_577 - prefix.length - suffix.length + 10)}${suffix}`;

  it.each([
    ['POST /scim/v2/Users', 'POST', '/scim/v2/Users', 'scim'],
    ['PATCH /scim/v2/Users/{id}', 'PATCH', '/scim/v2/Users/usr_01aaaaaaaaaaaaaaaaaaaaaaaa', 'scim'],
    ['POST /scim/v2/Bulk', 'POST', '/scim/v2/Bulk', 'scim'],
    ['POST /scim/v2/.search', 'POST', '/scim/v2/.search', 'scim'],
    ['POST /admin/v1/tenants', 'POST', '/admin/v1/tenants', 'admin'],
    ['POST /auth/v1/introspect', 'POST', '/auth/v1/introspect', 'admin'],
  ])(
    'refuses a body over 1 MiB on %s with 413 and writes nothing',
    async (_, method, path, who) => {
      const before = await tenantSnapshot(stack.database.db, tenantId);
      const tenants = await stack.database.db.selectFrom('tenants').select('id').execute();
      const body = justOver(
        `{"schemas":["${USER_SCHEMA}"],"userName":"big@example.com","displayName":"`,
        '"}',
      );

      const result = await raw(method, path, who === 'scim' ? scimToken : stack.adminApiKey, body);

      expect(result.status).toBe(413);
      expect(result.body).toMatchObject({
        status: '413',
        detail: expect.stringMatching(/larger|bytes/),
      });
      if (path.startsWith('/scim/')) expectScimError(result, 413);
      expect(await tenantSnapshot(stack.database.db, tenantId)).toEqual(before);
      expect(await stack.database.db.selectFrom('tenants').select('id').execute()).toEqual(tenants);
    },
  );

  it('accepts a body just under the limit, so that the limit is where it is advertised', async () => {
    const body = JSON.stringify({
      schemas: [USER_SCHEMA],
      userName: 'near.limit@example.com',
      padding: 'x'.repeat(1_000_000),
    });

    const result = await raw('POST', '/scim/v2/Users', scimToken, body);

    // Within the byte limit, the unknown attribute is refused on its merits, not for size.
    expect(result.status).not.toBe(413);
    expect(result.status).toBeLessThan(500);
  });
});

describe('security headers', () => {
  it('are on every answer: success, refusal, error, SCIM, admin and health', async () => {
    const answers = {
      'SCIM 200': await raw('GET', '/scim/v2/Users', scimToken),
      'SCIM 201': await raw(
        'POST',
        '/scim/v2/Users',
        scimToken,
        JSON.stringify({ schemas: [USER_SCHEMA], userName: 'headers@example.com' }),
      ),
      'SCIM 400': await raw('POST', '/scim/v2/Users', scimToken, '{"userName":'),
      'SCIM 401': await raw('GET', '/scim/v2/Users', undefined),
      'SCIM 404': await raw('GET', '/scim/v2/Users/usr_01aaaaaaaaaaaaaaaaaaaaaaaa', scimToken),
      'SCIM 405': await raw('PATCH', '/scim/v2/Users', scimToken, '{}'),
      'SCIM 413': await raw('POST', '/scim/v2/Users', scimToken, `"${'x'.repeat(1_100_000)}"`),
      'admin 200': await raw('GET', `/admin/v1/tenants/${tenantId}/scim/tokens`, stack.adminApiKey),
      'admin 401': await raw('GET', `/admin/v1/tenants/${tenantId}/scim/tokens`, scimToken),
      'admin 404': await raw('GET', '/admin/v1/nothing', stack.adminApiKey),
      'health 200': await raw('GET', '/healthz', undefined),
    };

    const missing = Object.entries(answers).flatMap(([name, answer]) => {
      const headers = {
        'x-content-type-options': answer.headers.get('x-content-type-options'),
        'cache-control': answer.headers.get('cache-control'),
        'referrer-policy': answer.headers.get('referrer-policy'),
        'x-powered-by': answer.headers.get('x-powered-by'),
        'x-request-id': answer.headers.get('x-request-id') === null ? null : 'set',
      };
      const expected = {
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-powered-by': null,
        'x-request-id': 'set',
      };

      return JSON.stringify(headers) === JSON.stringify(expected)
        ? []
        : [`${name}: ${JSON.stringify(headers)}`];
    });
    expect(missing).toEqual([]);
    expect(Object.values(answers).map((answer) => answer.status)).toEqual([
      200, 201, 400, 401, 404, 405, 413, 200, 401, 404, 200,
    ]);
  });

  it('says which realm and scheme a refused token needs', async () => {
    const scim = await request(stack, 'GET', '/scim/v2/Users', { token: 'bwscim_forged' });
    const admin = await request(stack, 'GET', '/admin/v1/tenants', { token: scimToken });

    expect(scim.headers.get('www-authenticate')).toBe('Bearer realm="scim"');
    expect(admin.headers.get('www-authenticate')).toBe('Bearer realm="admin"');
  });
});
