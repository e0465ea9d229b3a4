import type { Config } from '../config';
import type { SyncEventRow } from '../db/schema';
import { workflowIdFor } from '../sync/sync-event';
import { workflowUiUrl } from './temporal-ui';

const REPLAY_SUFFIX = /\/replay-(\d+)$/;

/** How many times the event was replayed, read off its current workflow id. */
export function replayCount(event: Pick<SyncEventRow, 'workflow_id'>): number {
  const match = REPLAY_SUFFIX.exec(event.workflow_id);

  return match?.[1] === undefined ? 0 : Number(match[1]);
}

/**
 * The workflow id of the event's next replay: the original id with
 * `/replay-<n>`, so every run of one event sorts and reads together.
 */
export function nextReplayWorkflowId(event: SyncEventRow): string {
  return `${workflowIdFor(event)}/replay-${replayCount(event) + 1}`;
}

/** Every workflow id the event has run under, oldest first. */
export function workflowRunIds(event: SyncEventRow): string[] {
  const original = workflowIdFor(event);
  const replays = Array.from(
    { length: replayCount(event) },
    (_, index) => `${original}/replay-${index + 1}`,
  );

  return [original, ...replays];
}

/** A sync event as the admin API shows it; payloads hold ids only. */
export function syncEventView(config: Config, event: SyncEventRow) {
  return {
    id: event.id,
    tenant_id: event.tenant_id,
    kind: event.kind,
    resource_type: event.resource_type,
    resource_id: event.resource_id,
    state: event.state,
    last_error: event.last_error,
    /** `transient` failures are replayed automatically until `next_automatic_replay_at` is null. */
    last_fault: event.last_fault,
    attempts: event.attempts,
    replays: replayCount(event),
    automatic_replays: event.automatic_replays,
    next_automatic_replay_at: event.next_automatic_replay_at,
    payload: event.payload,
    created_at: event.created_at,
    updated_at: event.updated_at,
    dispatched_at: event.dispatched_at,
    completed_at: event.completed_at,
    workflow_id: event.workflow_id,
    temporal_ui_url: workflowUiUrl(config, event.workflow_id),
  };
}
