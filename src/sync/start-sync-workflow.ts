import { sql } from 'kysely';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Db } from '../db/database';
import type { SyncEventRow } from '../db/schema';
import type { AutomaticReplayPolicy } from './automatic-replay-policy';
import { automaticReplayDelayMs } from './automatic-replay-policy';
import { searchAttributeKeys } from './search-attributes';

export interface WorkflowStarter {
  client: Client;
  taskQueue: string;
  /** Starts still under way, awaited before the connection closes on shutdown. */
  inFlight: Set<Promise<unknown>>;
  /** Attempts per workflow step before a run fails (SYNC_STEP_MAX_ATTEMPTS). */
  stepMaxAttempts?: number;
  /** Without it, a run's transient failure waits for a person like a permanent one. */
  automaticReplay?: AutomaticReplayPolicy;
}

/** What a run is told about its limits; part of its history, like its other input. */
interface RunLimits {
  stepMaxAttempts: number | undefined;
  automaticReplayAfterMs: number | undefined;
}

/** A start that cannot reach Temporal gives up after this; the dispatcher tries again. */
const START_DEADLINE_MS = 5000;

function workflowCall(
  event: SyncEventRow,
  limits: RunLimits,
): { type: string; args: unknown[]; summary: string } {
  const payload = event.payload as Record<string, unknown>;
  switch (event.kind) {
    case 'deprovision':
      return {
        type: 'deprovisionUser',
        args: [
          {
            tenantId: event.tenant_id,
            userId: event.resource_id,
            syncEventId: event.id,
            reason: payload.reason === 'deleted' ? 'deleted' : 'deactivated',
            ...limits,
          },
        ],
        summary: `Deprovision user ${event.resource_id} (${String(payload.reason ?? 'deactivated')})`,
      };
    case 'reevaluate_roles':
      return {
        type: 'reevaluateRoles',
        args: [{ tenantId: event.tenant_id, syncEventId: event.id, ...payload, ...limits }],
        summary: `Re-evaluate roles after a change to ${event.resource_type} ${event.resource_id}`,
      };
  }
}

/**
 * Starts the workflow a sync event owes and marks it dispatched. Starting an
 * event whose workflow already exists is success: the work is already running
 * or done. Throws when Temporal cannot be reached; the dispatcher retries.
 */
export async function startSyncWorkflow(
  db: Db,
  starter: WorkflowStarter,
  event: SyncEventRow,
): Promise<void> {
  const replayAfterMs = automaticReplayDelayMs(starter.automaticReplay, event.automatic_replays);
  const call = workflowCall(event, {
    stepMaxAttempts: starter.stepMaxAttempts,
    automaticReplayAfterMs: replayAfterMs,
  });
  const start = starter.client.connection.withDeadline(Date.now() + START_DEADLINE_MS, () =>
    starter.client.workflow.start(call.type, {
      taskQueue: starter.taskQueue,
      workflowId: event.workflow_id,
      args: call.args,
      staticSummary: call.summary,
      typedSearchAttributes: new TypedSearchAttributes([
        { key: searchAttributeKeys.tenantId, value: event.tenant_id },
        { key: searchAttributeKeys.resourceId, value: event.resource_id },
        { key: searchAttributeKeys.kind, value: event.kind },
        { key: searchAttributeKeys.syncEventId, value: event.id },
      ]),
    }),
  );
  starter.inFlight.add(start);
  try {
    await start;
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  } finally {
    starter.inFlight.delete(start);
  }

  await db
    .updateTable('sync_events')
    .set({ dispatched_at: sql`coalesce(dispatched_at, now())` })
    .where('id', '=', event.id)
    .execute();
}
