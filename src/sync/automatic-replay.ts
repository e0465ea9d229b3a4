import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { AppContext } from '../app-context';
import { systemActor } from '../audit/record-audit-event';
import type { Db } from '../db/database';
import type { ReplayResult } from '../operations/replay-sync-event';
import { replaySyncEvent } from '../operations/replay-sync-event';
import type { PeriodicLoop } from './periodic-loop';
import { startPeriodicLoop } from './periodic-loop';

export interface AutomaticReplayOptions {
  intervalMs: number;
  /** Replays per tick at most; the rest wait for the next tick. */
  batchSize?: number;
}

/**
 * How long a claimed event is kept from other api processes. A replay takes
 * seconds; a process that dies holding a claim delays that event by this.
 */
const CLAIM_LEASE_MS = 60_000;

/**
 * Claims the failed event whose automatic replay is most urgent:
 * deprovisionings first, since until one completes a user keeps tokens,
 * then the longest overdue. The claim moves its due time a lease ahead in
 * the same statement, and SKIP LOCKED passes over a row another process is
 * claiming, so of several api processes asking at once only one gets it.
 */
async function claimDueEvent(db: Db) {
  const due = db
    .selectFrom('sync_events')
    .select('id')
    .where('state', '=', 'failed')
    .where('next_automatic_replay_at', '<=', sql<Date>`now()`)
    .orderBy(sql`kind = 'deprovision'`, 'desc')
    .orderBy('next_automatic_replay_at')
    .limit(1)
    .forUpdate()
    .skipLocked();

  return db
    .updateTable('sync_events')
    .set({
      next_automatic_replay_at: sql`now() + make_interval(secs => ${CLAIM_LEASE_MS / 1000})`,
    })
    .where('id', 'in', due)
    .returning(['id', 'tenant_id'])
    .executeTakeFirst();
}

/**
 * Replays, as the system actor, the failed events whose automatic replay is
 * due, one claim at a time, through the path a support engineer's replay
 * takes. Stops at the first replay that throws (Temporal unreachable, most
 * likely): that event is tried again once its claim lapses, the others on
 * the next tick.
 */
export async function replayDueSyncEvents(
  context: AppContext,
  logger: Logger,
  batchSize = 10,
): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  while (results.length < batchSize) {
    const event = await claimDueEvent(context.db);
    if (event === undefined) break;

    try {
      results.push(
        await replaySyncEvent(context, event.tenant_id, event.id, systemActor, logger, {
          automatic: true,
        }),
      );
    } catch (error) {
      logger.warn(
        { err: error, syncEventId: event.id, retryInMs: CLAIM_LEASE_MS },
        'automatic replay failed; the event is tried again when its claim lapses',
      );
      break;
    }
  }

  return results;
}

/**
 * Runs automatic replay beside the dispatcher, with the same lifecycle: so an
 * outage longer than a run's retry budget ends with the work done, not with
 * events waiting for a person. Permanent failures and events past
 * SYNC_AUTO_REPLAY_MAX are never due and stay with a person.
 */
export function startAutomaticReplay(
  context: AppContext,
  options: AutomaticReplayOptions,
  logger: Logger,
): PeriodicLoop {
  return startPeriodicLoop(
    options.intervalMs,
    async () => {
      const results = await replayDueSyncEvents(context, logger, options.batchSize);
      const replayed = results.filter((result) => result.replayed).length;
      if (replayed > 0) logger.info({ replayed }, 'replayed failed sync events automatically');
    },
    (error) => logger.warn({ err: error }, 'automatic replay failed; will retry'),
  );
}
