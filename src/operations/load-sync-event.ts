import type { Kysely } from 'kysely';
import type { Database, SyncEventRow } from '../db/schema';
import { notFound } from '../scim/errors';

/** A sync event of the tenant; 404 when there is none, including for other tenants' ids. */
export async function loadSyncEvent(
  db: Kysely<Database>,
  tenantId: string,
  syncEventId: string,
  options: { forUpdate?: boolean } = {},
): Promise<SyncEventRow> {
  let select = db
    .selectFrom('sync_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', syncEventId);
  if (options.forUpdate === true) select = select.forUpdate();
  const event = await select.executeTakeFirst();
  if (event === undefined) {
    throw notFound(
      `Tenant "${tenantId}" has no sync event "${syncEventId}"; list them with GET sync-events.`,
    );
  }

  return event;
}
