import { sql } from 'kysely';
import type { Db } from '../src/db/database';
import type { SyncFault } from '../src/db/schema';
import { NonRetryable, permanentFailure } from './errors';

export interface SyncEventFailure {
  syncEventId: string;
  error: string;
  /** Absent from runs started before faults were recorded: their events wait for a person. */
  fault?: SyncFault;
  /** How long after a transient failure the api replays the event; absent when it must not. */
  automaticReplayAfterMs?: number;
}

/** Keeps a sync event's state in step with its workflow's outcome. */
export function createSyncEventActivities(db: Db) {
  return {
    async markSyncEventRunning({ syncEventId }: { syncEventId: string }): Promise<void> {
      const result = await db
        .updateTable('sync_events')
        .set({
          state: sql`case when state = 'completed' then state else 'running' end`,
          attempts: sql`attempts + 1`,
          updated_at: sql`now()`,
          dispatched_at: sql`coalesce(dispatched_at, now())`,
          // A run is under way (an operator may have reset a failed one): no replay is owed.
          next_automatic_replay_at: null,
        })
        .where('id', '=', syncEventId)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) {
        throw permanentFailure(NonRetryable.syncEventMissing, `sync event ${syncEventId} does not exist`);
      }
    },

    async completeSyncEvent({ syncEventId }: { syncEventId: string }): Promise<void> {
      await db
        .updateTable('sync_events')
        .set({
          state: 'completed',
          last_error: null,
          last_fault: null,
          next_automatic_replay_at: null,
          completed_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .where('id', '=', syncEventId)
        .execute();
    },

    /**
     * Records the failure and, when it was transient and the run was given a
     * delay, when the api replays the event by itself (src/sync/automatic-replay.ts).
     */
    async failSyncEvent(failure: SyncEventFailure): Promise<void> {
      const { syncEventId, error, fault } = failure;
      const replayAfterMs = fault === 'transient' ? failure.automaticReplayAfterMs : undefined;
      await db
        .updateTable('sync_events')
        .set({
          state: 'failed',
          last_error: error.slice(0, 2000),
          last_fault: fault ?? null,
          next_automatic_replay_at:
            replayAfterMs === undefined
              ? null
              : sql`now() + make_interval(secs => ${replayAfterMs / 1000})`,
          updated_at: sql`now()`,
        })
        .where('id', '=', syncEventId)
        .execute();
    },
  };
}
