import type { TestStack } from '../support/stack';
import { stackForFile } from '../support/stack-for-file';
import { createScimTenant, request } from '../support/http';

let stack: TestStack;
stackForFile((started) => (stack = started), { worker: false, dispatcher: false });

function admin(actor?: string): { token: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  if (actor !== undefined) headers['X-Bulwark-Actor'] = actor;

  return { token: stack.adminApiKey, headers };
}

async function scimStatus(token: string): Promise<number> {
  return (await request(stack, 'GET', '/scim/v2/Users?count=1', { token })).status;
}

async function rotate(
  tenantId: string,
  overlapSeconds?: number,
  actor?: string,
): Promise<{ token: string; token_id: string }> {
  const rotated = await request(stack, 'POST', `/admin/v1/tenants/${tenantId}/scim/tokens`, {
    ...admin(actor),
    body: overlapSeconds === undefined ? {} : { overlap_seconds: overlapSeconds },
  });
  expect(rotated.status).toBe(201);

  return rotated.body;
}

async function listed(tenantId: string): Promise<Array<Record<string, unknown>>> {
  const tokens = await request(stack, 'GET', `/admin/v1/tenants/${tenantId}/scim/tokens`, admin());
  expect(tokens.status).toBe(200);

  return tokens.body.items;
}

function auditActions(tenantId: string) {
  return stack.database.db
    .selectFrom('audit_events')
    .select(['action', 'actor_id', 'target_id', 'details'])
    .where('tenant_id', '=', tenantId)
    .where('action', 'like', 'scim.%')
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
}

describe('SCIM token administration', () => {
  it('lists tokens with their times and status, never their values or hashes', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack);
    expect(await scimStatus(scimToken)).toBe(200);

    const tokens = await listed(tenantId);
    expect(tokens).toHaveLength(1);
    expect(Object.keys(tokens[0]!).sort()).toEqual([
      'created_at',
      'expires_at',
      'id',
      'last_used_at',
      'revoked_at',
      'status',
    ]);
    expect(tokens[0]).toMatchObject({
      status: 'active',
      expires_at: null,
      revoked_at: null,
      last_used_at: expect.any(String),
    });
    const stored = await stack.database.db
      .selectFrom('scim_tokens')
      .select(['id', 'token_hash'])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    expect(tokens[0]?.id).toBe(stored.id);
    expect(JSON.stringify(tokens)).not.toContain(stored.token_hash);
    expect(JSON.stringify(tokens)).not.toContain(scimToken);
  });

  it('keeps the old token for the chosen overlap and rejects it at once without one', async () => {
    const { tenantId, scimToken: first } = await createScimTenant(stack);

    const second = await rotate(tenantId, 300);
    expect(await scimStatus(first)).toBe(200);
    expect(await scimStatus(second.token)).toBe(200);
    const overlapping = await stack.database.db
      .selectFrom('scim_tokens')
      .select(['id', 'expires_at', 'revoked_at'])
      .where('tenant_id', '=', tenantId)
      .where('id', '!=', second.token_id)
      .executeTakeFirstOrThrow();
    const remaining = (overlapping.expires_at!.getTime() - Date.now()) / 1000;
    expect(remaining).toBeGreaterThan(290);
    expect(remaining).toBeLessThanOrEqual(300);
    expect((await listed(tenantId)).map((token) => token.status)).toEqual(['active', 'expiring']);

    const third = await rotate(tenantId);
    expect(await scimStatus(first)).toBe(401);
    expect(await scimStatus(second.token)).toBe(401);
    expect(await scimStatus(third.token)).toBe(200);

    const fourth = await rotate(tenantId, 1);
    expect(await scimStatus(third.token)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await scimStatus(third.token)).toBe(401);
    expect(await scimStatus(fourth.token)).toBe(200);
    expect((await listed(tenantId)).map((token) => token.status)).toEqual([
      'active',
      'expired',
      'revoked',
      'revoked',
    ]);
  });

  it('revokes one token by id, once, audited under who asked', async () => {
    const { tenantId, scimToken } = await createScimTenant(stack);
    const tokenId = (await listed(tenantId))[0]?.id;

    const revoked = await request(
      stack,
      'DELETE',
      `/admin/v1/tenants/${tenantId}/scim/tokens/${tokenId}`,
      admin('lee.security'),
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({
      id: tokenId,
      status: 'revoked',
      revoked_at: expect.any(String),
    });
    expect(await scimStatus(scimToken)).toBe(401);
    const again = await request(
      stack,
      'DELETE',
      `/admin/v1/tenants/${tenantId}/scim/tokens/${tokenId}`,
      admin('lee.security'),
    );
    expect(again.body.revoked_at).toBe(revoked.body.revoked_at);

    const other = await createScimTenant(stack, 'Other');
    const foreign = await request(
      stack,
      'DELETE',
      `/admin/v1/tenants/${other.tenantId}/scim/tokens/${tokenId}`,
      admin(),
    );
    expect(foreign.status).toBe(404);
    expect(foreign.body.detail).toMatch(/has no SCIM token/);
    const revocations = (await auditActions(tenantId)).filter(
      (event) => event.action === 'scim.token_revoked',
    );
    expect(revocations).toEqual([
      { action: 'scim.token_revoked', actor_id: 'lee.security', target_id: tokenId, details: {} },
    ]);
  });

  it('answers 401 to every SCIM call once disabled, and issues a new token on enable while the old ones stay dead', async () => {
    const { tenantId, scimToken: first } = await createScimTenant(stack);
    const second = await rotate(tenantId, 600, 'ops.oncall');

    const disabled = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${tenantId}/scim:disable`,
      admin('ops.oncall'),
    );
    expect(disabled.status).toBe(200);
    expect(disabled.body).toEqual({ enabled: false, changed: true, tokens_revoked: 2 });
    expect(await scimStatus(first)).toBe(401);
    expect(await scimStatus(second.token)).toBe(401);
    expect((await listed(tenantId)).map((token) => token.status)).toEqual(['revoked', 'revoked']);
    const twice = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${tenantId}/scim:disable`,
      admin(),
    );
    expect(twice.body).toEqual({ enabled: false, changed: false, tokens_revoked: 0 });
    const rotateWhileDisabled = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${tenantId}/scim/tokens`,
      admin(),
    );
    expect(rotateWhileDisabled.status).toBe(404);

    const enabled = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${tenantId}/scim:enable`,
      admin(),
    );
    expect(enabled.status).toBe(201);
    expect(await scimStatus(enabled.body.token)).toBe(200);
    expect(await scimStatus(first)).toBe(401);
    expect(await scimStatus(second.token)).toBe(401);

    expect((await auditActions(tenantId)).map((event) => [event.action, event.actor_id])).toEqual([
      ['scim.enabled', null],
      ['scim.token_rotated', 'ops.oncall'],
      ['scim.disabled', 'ops.oncall'],
      ['scim.enabled', null],
    ]);
    const connection = await stack.database.db
      .selectFrom('scim_connections')
      .select('enabled')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    expect(connection.enabled).toBe(true);
  });

  it('refuses to disable SCIM for a tenant that never had it', async () => {
    const created = await request(stack, 'POST', '/admin/v1/tenants', {
      token: stack.adminApiKey,
      body: { name: 'Bare' },
    });
    const refused = await request(
      stack,
      'POST',
      `/admin/v1/tenants/${created.body.id}/scim:disable`,
      admin(),
    );
    expect(refused.status).toBe(404);
    expect(refused.body.detail).toMatch(/never enabled/);
  });
});
