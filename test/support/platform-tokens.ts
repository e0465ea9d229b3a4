import type { TestStack } from './stack';
import { request } from './http';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** A SCIM-provisioned user who signed in once (a session) and holds an agent token. */
export async function provisionedUserWithTokens(
  stack: TestStack,
  tenantId: string,
  scimToken: string,
  userName: string,
) {
  const created = await request(stack, 'POST', '/scim/v2/Users', {
    token: scimToken,
    body: {
      schemas: [USER_SCHEMA],
      userName,
      externalId: `ext-${userName}`,
      name: { givenName: 'Ines', familyName: 'Moreau' },
      emails: [{ value: userName, type: 'work', primary: true }],
      active: true,
    },
  });
  expect(created.status).toBe(201);
  const userId: string = created.body.id;

  return { userId, ...(await signInWithAgentToken(stack, tenantId, userId, userName)) };
}

/** The SCIM user `userName` signs in by SSO (a session) and is issued an agent token. */
export async function signInWithAgentToken(stack: TestStack, tenantId: string, userId: string, userName: string) {
  const admin = { token: stack.adminApiKey };
  const login = await request(stack, 'POST', `/auth/v1/tenants/${tenantId}/sso-logins`, {
    ...admin,
    body: { subject: `ext-${userName}`, email: userName },
  });
  expect(login.status).toBe(201);
  expect(login.body.user_id).toBe(userId);
  const agent = await request(stack, 'POST', `/auth/v1/tenants/${tenantId}/users/${userId}/agent-tokens`, {
    ...admin,
    body: { name: 'build bot' },
  });
  expect(agent.status).toBe(201);

  return { sessionToken: login.body.session_token as string, agentToken: agent.body.token as string };
}

/** POST /auth/v1/introspect, as the platform's gateway asks it. */
export async function introspect(stack: TestStack, token: string) {
  const result = await request(stack, 'POST', '/auth/v1/introspect', {
    token: stack.adminApiKey,
    body: { token },
  });
  expect(result.status).toBe(200);

  return result.body;
}
