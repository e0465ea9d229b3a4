import type { RequestHandler, Request } from 'express';
import { sql } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from '../db/database';

/** The route pattern, never the raw path: ids in label values would explode the series count. */
export function routeOf(request: Request): string {
  const pattern = request.route?.path;

  return typeof pattern === 'string' ? `${request.baseUrl}${pattern}` : 'unmatched';
}

export interface ApiMetrics {
  registry: Registry;
  middleware: RequestHandler;
}

/**
 * Prometheus metrics of the api process: requests by route and status, their
 * latency, and the outbox as the database sees it at scrape time (pending and
 * failed sync events, deprovisioning end-to-end latency over the last hour).
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
      const rows = await db
        .selectFrom('sync_events')
        .select(['kind', 'state', (eb) => eb.fn.countAll<string>().as('count')])
        .where('state', '!=', 'completed')
        .groupBy(['kind', 'state'])
        .execute();
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
