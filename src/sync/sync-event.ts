import type { Kysely } from 'kysely';
import { newId } from '../ids';
import type { Database, SyncEventKind, SyncEventRow, SyncEventsTable } from '../db/schema';

export interface SyncEventInput {
  tenantId: string;
  kind: SyncEventKind;
  resourceType: SyncEventsTable['resource_type'];
  resourceId: string;
  payload?: Record<string, unknown>;
}

/**
 * Workflow ids say what the workflow is and derive from the sync event, so a
 * second start of the same event is refused by Temporal instead of running twice.
 */
export function workflowIdFor(event: Pick<SyncEventRow, 'kind' | 'tenant_id' | 'resource_id' | 'id'>): string {
  const kind = event.kind === 'deprovision' ? 'deprovision' : 'reevaluate-roles';

  return `${kind}/${event.tenant_id}/${event.resource_id}/${event.id}`;
}

/**
 * Writes the outbox row that owes a workflow. Call it in the transaction of the
 * directory write that causes it.
 */
export async function createSyncEvent(
  db: Kysely<Database>,
  input: SyncEventInput,
): Promise<SyncEventRow> {
  const id = newId('sev');
  const workflowId = workflowIdFor({
    kind: input.kind,
    tenant_id: input.tenantId,
    resource_id: input.resourceId,
    id,
  });

  return db
    .insertInto('sync_events')
    .values({
      id,
      tenant_id: input.tenantId,
      kind: input.kind,
      resource_type: input.resourceType,
      resource_id: input.resourceId,
      workflow_id: workflowId,
      state: 'pending',
      payload: JSON.stringify(input.payload ?? {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
