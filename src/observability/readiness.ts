import type { RequestHandler } from 'express';
import { sql } from 'kysely';
import type { AppContext } from '../app-context';

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
  ]);
}

/**
 * GET /readyz: 200 only when PostgreSQL and Temporal both answer. SCIM writes
 * still succeed while Temporal is down (the outbox holds them), but a load
 * balancer should prefer an instance that can start workflows at once.
 */
export function readiness(context: AppContext): RequestHandler {
  return async (_request, response) => {
    const [database, temporal] = await Promise.allSettled([
      withTimeout(sql`select 1`.execute(context.db)),
      withTimeout(context.workflows.client.connection.workflowService.getSystemInfo({})),
    ]);
    const checks = {
      postgres: database.status === 'fulfilled' ? 'ok' : 'unavailable',
      temporal: temporal.status === 'fulfilled' ? 'ok' : 'unavailable',
    };
    const ready = checks.postgres === 'ok' && checks.temporal === 'ok';

    response.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', checks });
  };
}
