/**
 * What the admin API answers, as the CLI reads it (times are ISO strings on
 * the wire). Only the fields the CLI prints are named.
 */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface SyncEvent {
  id: string;
  kind: string;
  resource_type: string;
  resource_id: string;
  state: string;
  last_error: string | null;
  last_fault: string | null;
  attempts: number;
  replays: number;
  automatic_replays: number;
  next_automatic_replay_at: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  workflow_id: string;
  temporal_ui_url: string;
}

export interface ActivityRun {
  activity_type: string;
  summary: string | null;
  state: string;
  attempts: number;
  last_failure: string | null;
}

export interface SyncEventDetail extends SyncEvent {
  workflow_runs: Array<{ workflow_id: string; temporal_ui_url: string }>;
  history: {
    status: string;
    start_time: string;
    close_time: string | null;
    failure: string | null;
    activities: ActivityRun[];
  } | null;
  history_unavailable?: string;
}

export interface ReplayResult {
  sync_event_id: string;
  outcome: string;
  replayed: boolean;
  workflow_id: string;
  temporal_ui_url: string;
  detail: string;
}

export interface ScimToken {
  id: string;
  status: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface AuditEvent {
  id: string;
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

export interface TenantUser {
  id: string;
  userName: string;
  externalId: string | null;
  active: boolean;
  source: string;
  deprovisioned_at: string | null;
  deleted_at: string | null;
  role: string | null;
  role_explanation: {
    role: string | null;
    granted_by: string;
    none_reason: string | null;
    groups: Array<{ id: string; displayName: string; role: string }>;
    reevaluation_pending: boolean;
  };
}
