/**
 * Deprovisioning latency, end to end over HTTP, on a fresh database:
 * SCIM DELETE → session and agent token introspect inactive, and
 * SCIM DELETE → deprovisioning workflow completed (sync event state).
 *
 * Needs PostgreSQL and a Temporal server (`npm run bench` starts them).
 * Prints min / median / p95 / max for each, in milliseconds.
 */
import { runInProcess, scimTenant } from './lib/in-process-stack';

const RUNS = Number(process.env.BENCH_RUNS ?? 50);

runInProcess(async (stack) => {
  const { db, adminKey, call } = stack;
  const { tenantId, scimToken } = await scimTenant(stack, 'Bench');
  const revoked: number[] = [];
  const completed: number[] = [];

  for (let run = 0; run < RUNS; run++) {
    const userName = `bench.${run}@example.com`;
    const user = await call('POST', '/scim/v2/Users', scimToken, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName,
      externalId: `bench-${run}`,
    });
    const login = await call('POST', `/auth/v1/tenants/${tenantId}/sso-logins`, adminKey, {
      subject: `bench-${run}`,
      email: userName,
    });
    const agentTokens = `/auth/v1/tenants/${tenantId}/users/${user.id}/agent-tokens`;
    const agent = await call('POST', agentTokens, adminKey, { name: 'bench' });

    const started = performance.now();
    await call('DELETE', `/scim/v2/Users/${user.id}`, scimToken);
    for (;;) {
      const session = await call('POST', '/auth/v1/introspect', adminKey, {
        token: login.session_token,
      });
      const token = await call('POST', '/auth/v1/introspect', adminKey, { token: agent.token });
      if (!session.active && !token.active) break;
    }
    revoked.push(performance.now() - started);
    for (;;) {
      const event = await db
        .selectFrom('sync_events')
        .select('state')
        .where('resource_id', '=', user.id)
        .where('kind', '=', 'deprovision')
        .executeTakeFirst();
      if (event?.state === 'completed') break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    completed.push(performance.now() - started);
    if ((run + 1) % 10 === 0) process.stderr.write(`  ${run + 1}/${RUNS} deprovisionings\n`);
  }

  const summary = (name: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    console.log(
      `${name.padEnd(44)} min ${at(0).toFixed(1)}  median ${at(0.5).toFixed(1)}  p95 ${at(0.95).toFixed(1)}  max ${sorted.at(-1)!.toFixed(1)} ms`,
    );
  };
  console.log(`deprovisioning latency over ${RUNS} users (idle machine, no background load)`);
  summary('DELETE → session and agent token inactive', revoked);
  summary('DELETE → deprovisioning workflow completed', completed);
});
