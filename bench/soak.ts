/**
 * `npm run soak`: SOAK_MINUTES (10) of mixed IdP traffic, Okta and Entra ID
 * shapes (creates, filter lookups, updates, group churn, deactivations,
 * reactivations, deletes, sign-ins and agent tokens), against a service
 * started fresh for the run: its own database, the api and a worker in this
 * process, a task queue of its own on the Temporal server.
 *
 * It ends with the no-loss check the fault tests use (test/support/no-loss.ts):
 * zero 5xx, every acknowledged write stored with exactly one audit event,
 * every sync event completed once in effect, every deprovisioned user's
 * tokens inactive. Prints the figures; exits 1 on any problem.
 *
 * SOAK_TENANTS (2) Okta and as many Entra tenants, SOAK_LANES (2) concurrent
 * request streams per tenant, SOAK_THINK_MS (250) pause between operations,
 * SOAK_SETTLE_SECONDS (600) for the sync events to finish after the traffic.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import pino from 'pino';
import { startApiServer } from '../src/api-server';
import { loadConfig } from '../src/config';
import { dropDatabase, ensureDatabase } from '../src/db/create-database';
import { createDb } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { createWorker } from '../src/worker-runtime';
import type { Dialect, TrafficTarget } from '../test/support/idp-traffic';
import { TrafficLedger, createTrafficTargets, driveIdpTraffic } from '../test/support/idp-traffic';
import { checkNoLoss } from '../test/support/no-loss';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const TENANTS = Number(process.env.SOAK_TENANTS ?? 2);
const LANES = Number(process.env.SOAK_LANES ?? 2);
/**
 * The pause between operations of a lane. The default paces the run at
 * roughly 20 to 30 requests a second over all tenants, about what four busy
 * IdP connections push at once, and what one worker and the SQLite dev server
 * on a small machine keep up with (SOAK_THINK_MS=0 measures the ceiling).
 */
const THINK_MS = Number(process.env.SOAK_THINK_MS ?? 250);
const SETTLE_SECONDS = Number(process.env.SOAK_SETTLE_SECONDS ?? 600);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);

  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<number> {
  const url = new URL(
    process.env.SOAK_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  url.pathname = `/bulwark_soak_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(url.toString());
  const db = createDb(url.toString(), 4);
  await migrateToLatest(db);
  const adminKey = randomBytes(24).toString('base64url');
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: url.toString(),
    PORT: '0',
    ADMIN_API_KEY: adminKey,
    TEMPORAL_TASK_QUEUE: `directory-sync-soak-${randomBytes(4).toString('hex')}`,
    WORKER_METRICS_ADDRESS: '',
    LOG_LEVEL: 'silent',
  });
  const api = await startApiServer(config, pino({ level: 'silent' }));
  const { worker, close } = await createWorker(config);
  const running = worker.run();
  const baseUrl = `http://127.0.0.1:${api.port}`;

  try {
    const targets: Array<{ target: TrafficTarget; dialect: Dialect }> = [];
    for (let index = 0; index < TENANTS; index++) {
      targets.push(...(await createTrafficTargets(baseUrl, adminKey, `Soak ${index + 1}`)));
    }
    const ledger = new TrafficLedger();
    const started = Date.now();
    const endsAt = started + MINUTES * 60_000;
    console.log(
      `soak: ${MINUTES} min, ${targets.length} tenants (Okta and Entra), ${LANES} lanes each, on ${baseUrl}`,
    );
    const progress = setInterval(() => {
      const elapsed = (Date.now() - started) / 1000;
      console.log(
        `  ${Math.round(elapsed)} s: ${ledger.requests} requests, ${ledger.acknowledgedWrites()} writes acknowledged`,
      );
    }, 60_000);
    await driveIdpTraffic(targets, ledger, {
      lanes: LANES,
      keepGoing: () => Date.now() < endsAt,
      requestTimeoutMs: 30_000,
      thinkMs: THINK_MS,
    });
    clearInterval(progress);
    const trafficSeconds = (Date.now() - started) / 1000;
    const backlog = await db
      .selectFrom('sync_events')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('state', 'in', ['pending', 'running'])
      .executeTakeFirstOrThrow();

    const checkStarted = Date.now();
    const report = await checkNoLoss({
      db,
      baseUrl,
      adminApiKey: adminKey,
      ledger,
      settleTimeoutMs: SETTLE_SECONDS * 1000,
      temporal: api.context.workflows.client,
    });
    const scimAuditEvents = await db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('actor_type', '=', 'scim')
      .where('action', 'like', 'scim.%')
      .executeTakeFirstOrThrow();
    const writesByAction = new Map<string, number>();
    for (const write of ledger.writes.filter((item) => item.acknowledged)) {
      writesByAction.set(write.action, (writesByAction.get(write.action) ?? 0) + 1);
    }
    const serverErrors = [...ledger.serverErrors().values()].reduce((sum, n) => sum + n, 0);
    const problems = [
      ...report.problems,
      ...ledger.readMismatches.map((mismatch) => `read mismatch: ${mismatch}`),
      ...ledger.notable.map(
        (answer) =>
          `${answer.method} ${answer.path.split('?')[0]} → ${answer.outcome}: ${answer.detail ?? ''}`,
      ),
    ];
    if (Number(scimAuditEvents.count) !== ledger.acknowledgedWrites()) {
      problems.push(
        `${scimAuditEvents.count} SCIM audit events for ${ledger.acknowledgedWrites()} acknowledged writes`,
      );
    }

    const summary = {
      minutes: MINUTES,
      tenants: targets.length,
      lanes: LANES,
      requests: ledger.requests,
      requestsPerSecond: Math.round(ledger.requests / trafficSeconds),
      acknowledgedWrites: ledger.acknowledgedWrites(),
      writesByAction: Object.fromEntries(writesByAction),
      scimAuditEvents: Number(scimAuditEvents.count),
      serverErrors,
      outcomes: Object.fromEntries([...ledger.outcomes.entries()].sort()),
      latencyMs: Object.fromEntries(
        [...ledger.latencies.entries()].map(([method, values]) => [
          method,
          {
            p50: Math.round(percentile(values, 50)),
            p95: Math.round(percentile(values, 95)),
            p99: Math.round(percentile(values, 99)),
            max: Math.round(percentile(values, 100)),
          },
        ]),
      ),
      checks: report.counts,
      syncEventsUnfinishedWhenTrafficStopped: Number(backlog.count),
      syncEventsCompletedPerSecond: Math.round(
        report.counts.syncEventsCompleted / ((Date.now() - started) / 1000),
      ),
      settleAndCheckSeconds: Math.round((Date.now() - checkStarted) / 1000),
      problems: problems.slice(0, 50),
      problemCount: problems.length,
    };
    console.log(JSON.stringify(summary, null, 2));
    if (process.env.SOAK_REPORT !== undefined)
      writeFileSync(process.env.SOAK_REPORT, JSON.stringify(summary, null, 2));
    console.log(
      problems.length === 0 ? 'soak: passed' : `soak: FAILED with ${problems.length} problems`,
    );

    return problems.length === 0 ? 0 : 1;
  } finally {
    worker.shutdown();
    await running;
    await close();
    await api.stop();
    await db.destroy();
    await dropDatabase(url.toString());
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
