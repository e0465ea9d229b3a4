import type { TestStack } from '../support/stack';
import { startStack } from '../support/stack';
import { createScimTenant, request } from '../support/http';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('observability and back-pressure', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack({ worker: false, env: { SCIM_RATE_LIMIT_PER_MINUTE: '5' } });
  });

  afterAll(async () => {
    await stack.stop();
  });

  it('counts requests by route pattern and status in /metrics, without ids', async () => {
    const { scimToken } = await createScimTenant(stack);
    const created = await request(stack, 'POST', '/scim/v2/Users', {
      token: scimToken,
      body: { schemas: [USER_SCHEMA], userName: 'metrics@example.com' },
    });
    await request(stack, 'GET', `/scim/v2/Users/${created.body.id}`, { token: scimToken });

    const response = await fetch(`${stack.baseUrl}/metrics`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toMatch(/bulwark_http_requests_total\{route="\/scim\/v2\/Users\/:id",method="GET",status="200"\} 1/);
    expect(text).toMatch(/bulwark_http_requests_total\{route="\/scim\/v2\/Users",method="POST",status="201"\} 1/);
    expect(text).toMatch(/bulwark_sync_events|bulwark_deprovisioning_latency_seconds/);
    expect(text).not.toContain(created.body.id);
  });

  it('answers readiness with the state of PostgreSQL and Temporal', async () => {
    const ready = await request(stack, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { postgres: 'ok', temporal: 'ok' } });
  });

  it('throttles a tenant past its limit with 429 and Retry-After, and not another tenant', async () => {
    const noisy = await createScimTenant(stack, 'Noisy');
    const quiet = await createScimTenant(stack, 'Quiet');
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof request>> | undefined;
    for (let index = 0; index < 7; index++) {
      const result = await request(stack, 'GET', '/scim/v2/Users', { token: noisy.scimToken });
      statuses.push(result.status);
      if (result.status === 429) limited = result;
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited?.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429' });
    expect((await request(stack, 'GET', '/scim/v2/Users', { token: quiet.scimToken })).status).toBe(200);
  });
});

describe('readiness without Temporal', () => {
  it('answers 503 naming Temporal when it cannot be reached', async () => {
    const stack = await startStack({ worker: false, dispatcher: false, env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } });
    try {
      const ready = await request(stack, 'GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toEqual({ postgres: 'ok', temporal: 'unavailable' });
    } finally {
      await stack.stop();
    }
  });
});
