import { request } from '../support/http';
import { captureLogs } from '../support/log-capture';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA } from '../support/scim-client';
import type { TestStack } from '../support/stack';
import { startStack } from '../support/stack';

const logs = captureLogs('trace');
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ logger: logs.logger });
}, 60_000);

afterAll(async () => {
  await stack.stop();
});

/** Personal data an IdP sends; none of it may reach a log line. */
const CANARIES = {
  userName: 'canary.user@example.com',
  displayName: 'Canary Displayname',
  password: 'canary-Pa55word',
  externalId: 'canary-external-id',
  title: 'Canary Title',
  filterValue: 'canary.filter@example.com',
  searchValue: 'canary.search@example.com',
  bulkUserName: 'canary.bulk@example.com',
  groupName: 'Canary Group',
  ssoEmail: 'canary.sso@example.com',
  badValue: 'canary-bad-value',
  tenantName: 'Canary Tenant',
};

function decodeURIComponentSafely(text: string): string {
  return text.replace(/(%[0-9A-Fa-f]{2})+/g, (encoded) => {
    try {
      return decodeURIComponent(encoded);
    } catch {
      return encoded;
    }
  });
}

describe('log lines', () => {
  it('carry ids and outcomes, never a token, a SCIM body or the personal data of a query', async () => {
    const admin = { token: stack.adminApiKey };
    const tenant = await request(stack, 'POST', '/admin/v1/tenants', {
      ...admin,
      body: { name: CANARIES.tenantName },
    });
    const tenantId = tenant.body.id;
    const enabled = await request(stack, 'POST', `/admin/v1/tenants/${tenantId}/scim`, admin);
    const scimToken: string = enabled.body.token;
    const scim = { token: scimToken };
    const steps: Array<() => Promise<{ status: number }>> = [];
    const user = await request(stack, 'POST', '/scim/v2/Users', {
      ...scim,
      body: {
        schemas: [USER_SCHEMA],
        userName: CANARIES.userName,
        displayName: CANARIES.displayName,
        password: CANARIES.password,
        externalId: CANARIES.externalId,
        emails: [{ value: CANARIES.userName, primary: true }],
      },
    });
    const userId = user.body.id;
    const login = await request(stack, 'POST', `/auth/v1/tenants/${tenantId}/sso-logins`, {
      ...admin,
      body: { subject: CANARIES.externalId, email: CANARIES.userName },
    });
    const agent = await request(
      stack,
      'POST',
      `/auth/v1/tenants/${tenantId}/users/${userId}/agent-tokens`,
      {
        ...admin,
        body: { name: 'agent' },
      },
    );
    const rotated = await request(stack, 'POST', `/admin/v1/tenants/${tenantId}/scim/tokens`, {
      ...admin,
      body: { overlap_seconds: 600 },
    });
    steps.push(
      () =>
        request(
          stack,
          'GET',
          `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${CANARIES.filterValue}"`)}`,
          scim,
        ),
      () =>
        request(
          stack,
          'GET',
          `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${CANARIES.userName}"`)}&attributes=userName`,
          scim,
        ),
      () =>
        request(stack, 'POST', '/scim/v2/Users/.search', {
          ...scim,
          body: {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
            filter: `emails.value eq "${CANARIES.searchValue}"`,
          },
        }),
      () =>
        request(stack, 'PATCH', `/scim/v2/Users/${userId}`, {
          ...scim,
          body: {
            schemas: [PATCH_OP],
            Operations: [{ op: 'replace', path: 'title', value: CANARIES.title }],
          },
        }),
      () =>
        request(stack, 'POST', '/scim/v2/Groups', {
          ...scim,
          body: {
            schemas: [GROUP_SCHEMA],
            displayName: CANARIES.groupName,
            members: [{ value: userId }],
          },
        }),
      () =>
        request(stack, 'POST', '/scim/v2/Bulk', {
          ...scim,
          body: {
            schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
            Operations: [
              {
                method: 'POST',
                path: '/Users',
                bulkId: 'b',
                data: { schemas: [USER_SCHEMA], userName: CANARIES.bulkUserName },
              },
            ],
          },
        }),
      // Refusals: a bad value, a taken userName, an unknown id, a wrong and a missing token.
      () =>
        request(stack, 'POST', '/scim/v2/Users', {
          ...scim,
          body: { schemas: [USER_SCHEMA], userName: 7, displayName: CANARIES.badValue },
        }),
      () =>
        request(stack, 'POST', '/scim/v2/Users', {
          ...scim,
          body: { schemas: [USER_SCHEMA], userName: CANARIES.userName },
        }),
      () => request(stack, 'GET', '/scim/v2/Users/usr_01aaaaaaaaaaaaaaaaaaaaaaaa', scim),
      () => request(stack, 'GET', '/scim/v2/Users', { token: `${scimToken}x` }),
      () => request(stack, 'GET', '/admin/v1/tenants', { token: scimToken }),
      () =>
        request(stack, 'POST', `/auth/v1/tenants/${tenantId}/sso-logins`, {
          ...admin,
          body: { subject: 'sso', email: CANARIES.ssoEmail },
        }),
      () =>
        request(stack, 'POST', '/auth/v1/introspect', {
          ...admin,
          body: { token: login.body.session_token },
        }),
      () =>
        request(stack, 'POST', '/auth/v1/introspect', {
          ...admin,
          body: { token: agent.body.token },
        }),
      () => request(stack, 'GET', '/scim/v2/Users', { token: rotated.body.token }),
      () => request(stack, 'DELETE', `/scim/v2/Users/${userId}`, scim),
    );
    const answers: Array<{ status: number }> = [];
    for (const step of steps) answers.push(await step());
    expect(answers.map((answer) => answer.status)).toEqual([
      200, 200, 200, 200, 201, 200, 400, 409, 404, 401, 401, 201, 200, 200, 200, 204,
    ]);

    const secrets = [
      stack.adminApiKey,
      scimToken,
      rotated.body.token,
      login.body.session_token,
      agent.body.token,
      ...Object.values(CANARIES),
    ];
    // A URL carries them percent-encoded: look in the decoded line too.
    const leaks = logs.lines.flatMap((line) => {
      const decoded = decodeURIComponentSafely(line);
      return secrets
        .filter((secret) => line.includes(secret) || decoded.includes(secret))
        .map((secret) => `${secret} in ${decoded.slice(0, 400)}`);
    });
    expect(leaks).toEqual([]);
    // One line per request at least, with what an operator needs to follow it.
    const completed = logs
      .records()
      .filter((record) => record.req !== undefined && record.res !== undefined);
    expect(completed.length).toBeGreaterThanOrEqual(answers.length + 6);
    for (const record of completed) {
      expect(record).toMatchObject({
        req: { id: expect.any(String), method: expect.any(String) },
        res: { statusCode: expect.any(Number) },
      });
      expect(record.route).toEqual(expect.any(String));
    }
    expect(completed.some((record) => record.tenantId === tenantId)).toBe(true);
    // The route pattern, named once per line (a key written twice leaves readers to guess).
    const completedLines = logs.lines.filter((line) => line.includes('"res":{"statusCode"'));
    expect(completedLines).toHaveLength(completed.length);
    for (const line of completedLines) expect(line.match(/"route":/g)).toHaveLength(1);
    expect(completed.map((record) => record.route)).toContain('/scim/v2/Users/:id');
  });
});
