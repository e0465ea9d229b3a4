import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { AppContext } from '../app-context';
import type { Actor } from '../audit/record-audit-event';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { SyncEventRow, SyncEventState } from '../db/schema';
import { startAfterCommit } from '../sync/start-after-commit';
import { workflowUiUrl } from './temporal-ui';
import { loadSyncEvent } from './load-sync-event';
import { nextReplayWorkflowId } from './sync-event-view';
import { workflowMayBeLive } from './workflow-liveness';

export type ReplayOutcome = 'replayed' | 'already_completed' | 'in_progress';

export interface ReplayResult {
  sync_event_id: string;
  outcome: ReplayOutcome;
  /** True only when this request started a new run. */
  replayed: boolean;
  state: SyncEventState;
  workflow_id: string;
  temporal_ui_url: string;
  detail: string;
}

export interface ReplayOptions {
  /** Added to the audit event, e.g. that a bulk request asked. */
  details?: Record<string, unknown>;
  /** Counts a started run against the event's automatic replays (src/sync/automatic-replay.ts). */
  automatic?: boolean;
}

const DETAILS: Record<ReplayOutcome, string> = {
  replayed: 'A new workflow run was started for this sync event.',
  already_completed: 'The sync event already completed; nothing was changed.',
  in_progress:
    'A workflow run of this sync event is pending or still running; nothing was changed.',
};

/**
 * Runs a sync event's workflow again, under a new workflow id
 * (`…/replay-<n>`), when its last run is over without completing: failed,
 * terminated, or lost. A completed event, or one still pending or running, is
 * left alone and the result says so. Safe to call any number of times at
 * once: the switch to a new workflow id is a compare-and-set on the row, so
 * at most one caller starts a run. Every call is audited under `actor`.
 * Throws 503 when Temporal cannot say whether a run is live, 404 when the
 * tenant has no such event; nothing is changed then.
 */
export async function replaySyncEvent(
  context: AppContext,
  tenantId: string,
  syncEventId: string,
  actor: Actor,
  logger: Logger,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const automatic = options.automatic === true;
  const seen = await loadSyncEvent(context.db, tenantId, syncEventId);
  const live =
    seen.state !== 'completed' && (await workflowMayBeLive(context.workflows.client, seen));

  const { event, outcome } = await context.db.transaction().execute(async (trx) => {
    const current = await loadSyncEvent(trx, tenantId, syncEventId, { forUpdate: true });
    let decided: { event: SyncEventRow; outcome: ReplayOutcome };
    if (current.state === 'completed') {
      decided = { event: current, outcome: 'already_completed' };
    } else if (live || current.workflow_id !== seen.workflow_id) {
      // A run may still be live, or another replay switched the workflow id since we looked.
      decided = { event: current, outcome: 'in_progress' };
    } else {
      const replayed = await trx
        .updateTable('sync_events')
        .set({
          workflow_id: nextReplayWorkflowId(current),
          state: 'pending',
          dispatched_at: null,
          completed_at: null,
          // The new run's own failure, if any, says when the next automatic replay is due.
          next_automatic_replay_at: null,
          ...(automatic ? { automatic_replays: sql<number>`automatic_replays + 1` } : {}),
          updated_at: sql`now()`,
        })
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      decided = { event: replayed, outcome: 'replayed' };
    }

    await recordAuditEvent(trx, actor, {
      tenantId,
      action: 'sync_event.replay_requested',
      targetType: 'SyncEvent',
      targetId: syncEventId,
      details: {
        ...options.details,
        ...(automatic
          ? { automatic: true, automatic_replays: decided.event.automatic_replays }
          : {}),
        outcome: decided.outcome,
        kind: current.kind,
        resource_id: current.resource_id,
        previous_state: current.state,
        previous_workflow_id: current.workflow_id,
        workflow_id: decided.event.workflow_id,
        last_error: current.last_error,
        last_fault: current.last_fault,
      },
    });

    return decided;
  });
  // The dispatcher starts it if this does not: the row is undispatched again.
  if (outcome === 'replayed')
    await startAfterCommit(context.db, context.workflows, [event], logger);

  return {
    sync_event_id: event.id,
    outcome,
    replayed: outcome === 'replayed',
    state: event.state,
    workflow_id: event.workflow_id,
    temporal_ui_url: workflowUiUrl(context.config, event.workflow_id),
    detail: DETAILS[outcome],
  };
}
