import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/database';
import type { PeriodicLoop } from './periodic-loop';
import { startPeriodicLoop } from './periodic-loop';
import type { WorkflowStarter } from './start-sync-workflow';
import { startSyncWorkflow } from './start-sync-workflow';

export interface DispatcherOptions {
  /** Events younger than this are left to the request that created them. */
  dispatchAfterMs: number;
  intervalMs: number;
  batchSize?: number;
}

/**
 * Starts the workflow of every sync event that committed but was never
 * dispatched: the api died between commit and start, or Temporal was down.
 * Several api processes may run it at once; SKIP LOCKED keeps them apart and
 * workflow ids keep a double start harmless.
 */
export async function dispatchPendingSyncEvents(
  db: Db,
  starter: WorkflowStarter,
  options: DispatcherOptions,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const events = await trx
      .selectFrom('sync_events')
      .selectAll()
      .where('dispatched_at', 'is', null)
      .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${options.dispatchAfterMs / 1000})`)
      .orderBy('created_at')
      .limit(options.batchSize ?? 100)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const event of events) {
      await startSyncWorkflow(trx, starter, event);
    }

    return events.length;
  });
}

/** Runs the dispatcher until `stop` is called; errors are logged and the loop goes on. */
export function startDispatcher(
  db: Db,
  starter: WorkflowStarter,
  options: DispatcherOptions,
  logger: Logger,
): PeriodicLoop {
  return startPeriodicLoop(
    options.intervalMs,
    async () => {
      const started = await dispatchPendingSyncEvents(db, starter, options);
      if (started > 0) logger.info({ started }, 'dispatched pending sync events');
    },
    (error) => logger.warn({ err: error }, 'dispatching pending sync events failed; will retry'),
  );
}
