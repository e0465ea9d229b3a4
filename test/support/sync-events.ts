import type { Db } from '../../src/db/database';
import { eventually } from './http';

type SyncKind = 'deprovision' | 'reevaluate_roles';

/** The user's sync event of this kind, as stored; fails when there is none. */
export function syncEventOf(db: Db, userId: string, kind: SyncKind) {
  return db
    .selectFrom('sync_events')
    .selectAll()
    .where('resource_id', '=', userId)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
}

/** Waits until the user's sync event of this kind is in `state`, and returns it. */
export function syncEventInState(
  db: Db,
  userId: string,
  kind: SyncKind,
  state: string,
  timeoutMs = 20_000,
) {
  return eventually(
    async () => {
      const event = await syncEventOf(db, userId, kind);

      return event.state === state ? event : undefined;
    },
    timeoutMs,
    200,
  );
}

/** Waits until every sync event of the tenant has completed. */
export async function syncEventsSettled(db: Db, tenantId: string, timeoutMs = 60_000) {
  await eventually(async () => {
    const open = await db
      .selectFrom('sync_events')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('state', '!=', 'completed')
      .execute();

    return open.length === 0 ? true : undefined;
  }, timeoutMs);
}

/** The `sync_event.replay_requested` audit events of a sync event, oldest first. */
export function replayAuditsOf(db: Db, syncEventId: string) {
  return db
    .selectFrom('audit_events')
    .selectAll()
    .where('action', '=', 'sync_event.replay_requested')
    .where('target_id', '=', syncEventId)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
}
