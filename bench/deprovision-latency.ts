/**
 * Deprovisioning latency, end to end over HTTP, on a fresh database:
 * SCIM DELETE → session and agent token introspect inactive, and
 * SCIM DELETE → deprovisioning workflow completed (sync event state).
 *
 * Needs PostgreSQL and a Temporal server (`npm run bench` starts them).
 * Prints min / median / p95 / max for each, in milliseconds.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { startApiServer } from '../src/api-server';
import { loadConfig } from '../src/config';
import { dropDatabase, ensureDatabase } from '../src/db/create-database';
import { createDb } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { createWorker } from '../src/worker-runtime';

const RUNS = Number(process.env.BENCH_RUNS ?? 50);

async function main(): Promise<void> {
  const url = new URL(process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/bulwark_bench_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url.toString());
  const migrator = createDb(url.toString(), 1);
  await migrateToLatest(migrator);
  await migrator.destroy();

  const adminKey = randomBytes(24).toString('base64url');
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: url.toString(),
    PORT: '0',
    ADMIN_API_KEY: adminKey,
    TEMPORAL_TASK_QUEUE: `directory-sync-bench-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'silent',
  });
  const api = await startApiServer(config, pino({ level: 'silent' }));
  const { worker, close } = await createWorker(config);
  const running = worker.run();
  const base = `http://127.0.0.1:${api.port}`;

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(base + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();

    return text === '' ? {} : JSON.parse(text);
  };

  try {
    const tenant = await call('POST', '/admin/v1/tenants', adminKey, { name: 'Bench' });
    const { token: scimToken } = await call('POST', `/admin/v1/tenants/${tenant.id}/scim`, adminKey);
    const revoked: number[] = [];
    const completed: number[] = [];

    for (let run = 0; run < RUNS; run++) {
      const userName = `bench.${run}@example.com`;
      const user = await call('POST', '/scim/v2/Users', scimToken, {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName,
        externalId: `bench-${run}`,
      });
      const login = await call('POST', `/auth/v1/tenants/${tenant.id}/sso-logins`, adminKey, {
        subject: `bench-${run}`,
        email: userName,
      });
      const agent = await call('POST', `/auth/v1/tenants/${tenant.id}/users/${user.id}/agent-tokens`, adminKey, {
        name: 'bench',
      });

      const started = performance.now();
      await call('DELETE', `/scim/v2/Users/${user.id}`, scimToken);
      for (;;) {
        const session = await call('POST', '/auth/v1/introspect', adminKey, { token: login.session_token });
        const token = await call('POST', '/auth/v1/introspect', adminKey, { token: agent.token });
        if (!session.active && !token.active) break;
      }
      revoked.push(performance.now() - started);
      for (;;) {
        const event = await api.context.db
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
  } finally {
    worker.shutdown();
    await running;
    await close();
    await api.stop();
    await dropDatabase(url.toString());
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
