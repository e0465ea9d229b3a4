import { sql } from 'kysely';
import type { Db } from '../src/db/database';
import { NonRetryable, permanentFailure } from './errors';

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
        .set({ state: 'completed', last_error: null, completed_at: sql`now()`, updated_at: sql`now()` })
        .where('id', '=', syncEventId)
        .execute();
    },

    async failSyncEvent({ syncEventId, error }: { syncEventId: string; error: string }): Promise<void> {
      await db
        .updateTable('sync_events')
        .set({ state: 'failed', last_error: error.slice(0, 2000), updated_at: sql`now()` })
        .where('id', '=', syncEventId)
        .execute();
    },
  };
}
