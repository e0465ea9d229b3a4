import type { TestStack } from './stack';

export interface HttpResult {
  status: number;
  headers: Headers;
  body: any;
}

/** A JSON request against the stack; the body is parsed when there is one. */
export async function request(
  stack: TestStack,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] ??= 'application/scim+json';

  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();

  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** Creates a tenant with SCIM enabled and returns its id and SCIM token. */
export async function createScimTenant(
  stack: TestStack,
  name = 'Acme',
): Promise<{ tenantId: string; scimToken: string }> {
  const admin = { token: stack.adminApiKey };
  const tenant = await request(stack, 'POST', '/admin/v1/tenants', { ...admin, body: { name } });
  const scim = await request(stack, 'POST', `/admin/v1/tenants/${tenant.body.id}/scim`, admin);

  return { tenantId: tenant.body.id, scimToken: scim.body.token };
}

/** A verified SSO login of the tenant's user with this email, which gives them a session. */
export function ssoLogin(stack: TestStack, tenantId: string, email: string): Promise<HttpResult> {
  return request(stack, 'POST', `/auth/v1/tenants/${tenantId}/sso-logins`, {
    token: stack.adminApiKey,
    body: { subject: email.split('@')[0], email },
  });
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
