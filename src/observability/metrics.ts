import type { RequestHandler, Request } from 'express';
import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../db/database';
import type { Database } from '../db/schema';

/** The route pattern, never the raw path: ids in label values would explode the series count. */
export function routeOf(request: Request): string {
  const pattern = request.route?.path;

  return typeof pattern === 'string' ? `${request.baseUrl}${pattern}` : 'unmatched';
}

/** The sync events `filter` keeps, counted by kind and state. */
function countSyncEvents(
  db: Db,
  filter: (eb: ExpressionBuilder<Database, 'sync_events'>) => Expression<SqlBool>,
) {
  return db
    .selectFrom('sync_events')
    .select(['kind', 'state', (eb) => eb.fn.countAll<string>().as('count')])
    .where(filter)
    .groupBy(['kind', 'state'])
    .execute();
}

export interface ApiMetrics {
  registry: Registry;
  middleware: RequestHandler;
}

/**
 * Prometheus metrics of the api process: requests by route and status, their
 * latency, and the outbox as the database sees it at scrape time (pending and
 * failed sync events, what each failed one waits for, the events automatic
 * replay took up and how they ended, deprovisioning end-to-end latency over
 * the last hour). Read from the database, they agree whichever api replica
 * is scraped.
 */
export function createApiMetrics(db: Db): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'bulwark_http_requests_total',
    help: 'HTTP requests by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'bulwark_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern and method.',
    labelNames: ['route', 'method'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  new Gauge({
    name: 'bulwark_sync_events',
    help: 'Sync events by kind and state that are not completed.',
    labelNames: ['kind', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await countSyncEvents(db, (eb) => eb('state', '!=', 'completed'));
      for (const row of rows) this.set({ kind: row.kind, state: row.state }, Number(row.count));
    },
  });
  new Gauge({
    name: 'bulwark_sync_events_failed',
    help: 'Failed sync events by kind and what they wait for: automatic_replay (scheduled) or person.',
    labelNames: ['kind', 'awaiting'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db
        .selectFrom('sync_events')
        .select([
          'kind',
          sql<boolean>`next_automatic_replay_at is not null`.as('scheduled'),
          (eb) => eb.fn.countAll<string>().as('count'),
        ])
        .where('state', '=', 'failed')
        .groupBy(['kind', 'scheduled'])
        .execute();
      for (const row of rows) {
        const awaiting = row.scheduled ? 'automatic_replay' : 'person';
        this.set({ kind: row.kind, awaiting }, Number(row.count));
      }
    },
  });
  new Gauge({
    name: 'bulwark_sync_events_replayed_automatically',
    help: 'Sync events replayed automatically, by kind and state now (completed: they recovered).',
    labelNames: ['kind', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await countSyncEvents(db, (eb) => eb('automatic_replays', '>', 0));
      for (const row of rows) this.set({ kind: row.kind, state: row.state }, Number(row.count));
    },
  });
  new Gauge({
    name: 'bulwark_deprovisioning_latency_seconds',
    help: 'Deprovisioning latency (SCIM write committed → workflow completed) over the last hour.',
    labelNames: ['quantile'],
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await sql<{ p50: number | null; p99: number | null }>`
        select percentile_cont(0.5) within group (order by extract(epoch from completed_at - created_at)) as p50,
               percentile_cont(0.99) within group (order by extract(epoch from completed_at - created_at)) as p99
        from sync_events
        where kind = 'deprovision' and state = 'completed' and completed_at > now() - interval '1 hour'`.execute(db);
      const row = rows[0];
      if (row?.p50 != null) this.set({ quantile: '0.5' }, Number(row.p50));
      if (row?.p99 != null) this.set({ quantile: '0.99' }, Number(row.p99));
    },
  });

  const middleware: RequestHandler = (request, response, next) => {
    const stop = duration.startTimer();
    response.on('finish', () => {
      const route = routeOf(request);
      stop({ route, method: request.method });
      requests.inc({ route, method: request.method, status: String(response.statusCode) });
    });
    next();
  };

  return { registry, middleware };
}
