import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase } from '../../src/db/create-database';
import type { Db } from '../../src/db/database';
import { createDb } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import { sleep } from './stats';

/** The compiled tree: this file runs from dist/bench/lib. */
const DIST = join(__dirname, '..', '..');

/** The service under test: api and worker as processes of their own, on a fresh database. */
export interface Service {
  baseUrl: string;
  adminKey: string;
  databaseUrl: string;
  /** The bench's own connections, for setup and for reading outcomes. */
  db: Db;
  apiPid: number;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');

  return address.port;
}

/** Keeps the last lines a child wrote to stderr, to explain a crash. */
function watch(name: string, child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && code !== null) process.stderr.write(`${name} exited ${code}:\n${tail}\n`);
    else if (signal !== null && signal !== 'SIGTERM') process.stderr.write(`${name} killed by ${signal}\n`);
  });

  return () => tail;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const late = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(late);
}

async function untilReady(baseUrl: string, child: ChildProcess, stderrTail: () => string) {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error(`api exited at start:\n${stderrTail()}`);
    const ready = await fetch(`${baseUrl}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await sleep(100);
  }
  throw new Error(`api not ready after 60 s:\n${stderrTail()}`);
}

/**
 * Creates and migrates a database of its own, then starts `node dist/src/api.js`
 * and `node dist/src/worker.js` against it, on a task queue of their own, and
 * waits until the api answers /readyz. Logs stay at the production level
 * (info, one line per request) and are discarded.
 */
export async function startService(): Promise<Service> {
  const server = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(server);
  url.pathname = `/bulwark_bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  const db = createDb(databaseUrl, 4);
  await migrateToLatest(db);

  const port = await freePort();
  const adminKey = randomBytes(24).toString('base64url');
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    ADMIN_API_KEY: adminKey,
    TEMPORAL_TASK_QUEUE: `directory-sync-bench-${randomBytes(4).toString('hex')}`,
    // The bench pushes far past one IdP's rate on purpose; the limiter still runs.
    SCIM_RATE_LIMIT_PER_MINUTE: '100000000',
    WORKER_METRICS_ADDRESS: '',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  };
  const stdio: ['ignore', 'ignore', 'pipe'] = ['ignore', 'ignore', 'pipe'];
  const profile = process.env.BENCH_CPU_PROF === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`];
  const api = spawn(process.execPath, [...profile, join(DIST, 'src', 'api.js')], { env, stdio });
  const apiTail = watch('api', api);
  const worker = spawn(process.execPath, [join(DIST, 'src', 'worker.js')], { env, stdio });
  watch('worker', worker);
  const baseUrl = `http://127.0.0.1:${port}`;
  await untilReady(baseUrl, api, apiTail);

  return {
    baseUrl,
    adminKey,
    databaseUrl,
    db,
    apiPid: api.pid!,
    async stop() {
      await Promise.all([stopChild(api), stopChild(worker)]);
      await db.destroy();
      await dropDatabase(databaseUrl);
    },
  };
}

/** Resident and peak resident memory of a process, in MB, from /proc. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);

  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** CPU time a process has used so far (user + system), in ms, from /proc. */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);

  return (ticks * 1000) / 100;
}
