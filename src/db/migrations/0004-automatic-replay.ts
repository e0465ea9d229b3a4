import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * What automatic replay of failed sync events needs: whether the last failure
 * was transient or permanent, how many automatic replays the event had, and
 * when the next one is due (null when none is owed). Events that failed before
 * this migration have no fault recorded and stay with a person.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sync_events')
    .addColumn('last_fault', 'text', (c) => c.check(sql`last_fault in ('transient', 'permanent')`))
    .addColumn('automatic_replays', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_automatic_replay_at', 'timestamptz')
    .execute();
  // The replay loop's lookup of due events, and the metric of events it replayed.
  await sql`create index sync_events_automatic_replay_due on sync_events (next_automatic_replay_at)
            where next_automatic_replay_at is not null`.execute(db);
  await sql`create index sync_events_replayed_automatically on sync_events (kind, state)
            where automatic_replays > 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index sync_events_replayed_automatically`.execute(db);
  await sql`drop index sync_events_automatic_replay_due`.execute(db);
  await db.schema
    .alterTable('sync_events')
    .dropColumn('next_automatic_replay_at')
    .dropColumn('automatic_replays')
    .dropColumn('last_fault')
    .execute();
}
