import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { startApiServer } from '../../src/api-server';
import { loadConfig } from '../../src/config';
import { dropDatabase, ensureDatabase } from '../../src/db/create-database';
import type { Db } from '../../src/db/database';
import { createDb } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import { createWorker } from '../../src/worker-runtime';

/** What a benchmark drives: the database for setup and checks, and the HTTP API. */
export interface InProcessStack {
  db: Db;
  adminKey: string;
  /** A JSON call to the api; throws on an answer of 300 or more: a bench never times a failure. */
  call: (method: string, path: string, token: string, body?: unknown) => Promise<any>;
}

export interface BenchTenant {
  tenantId: string;
  scimToken: string;
}

/** A new tenant with SCIM enabled. */
export async function scimTenant(stack: InProcessStack, name: string): Promise<BenchTenant> {
  const tenant = await stack.call('POST', '/admin/v1/tenants', stack.adminKey, { name });
  const { token } = await stack.call('POST', `/admin/v1/tenants/${tenant.id}/scim`, stack.adminKey);

  return { tenantId: tenant.id, scimToken: token };
}

/**
 * Runs `bench` against the api and a worker in this process, on a database
 * and task queue of their own, created for the run and dropped after it;
 * exits the process with 1 if anything fails.
 */
export function runInProcess(bench: (stack: InProcessStack) => Promise<void>): void {
  withInProcessStack(bench).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

async function withInProcessStack(bench: (stack: InProcessStack) => Promise<void>) {
  const server = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(server);
  url.pathname = `/bulwark_bench_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url.toString());
  const db = createDb(url.toString(), 2);
  await migrateToLatest(db);

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
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${api.port}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) {
      throw new Error(`${method} ${path} → ${response.status} ${text.slice(0, 300)}`);
    }

    return text === '' ? {} : JSON.parse(text);
  };

  try {
    await bench({ db, adminKey, call });
  } finally {
    worker.shutdown();
    await running;
    await close();
    await api.stop();
    await db.destroy();
    await dropDatabase(url.toString());
  }
}
