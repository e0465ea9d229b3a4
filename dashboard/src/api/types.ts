/** The admin API's JSON, as the dashboard reads it (see README.md, "APIs"). */

export type Role = 'admin' | 'member' | 'viewer';
export type ScimStatus = 'enabled' | 'disabled' | 'never_enabled';
export type SyncEventState = 'pending' | 'running' | 'completed' | 'failed';
export type SyncEventKind = 'deprovision' | 'reevaluate_roles';
export type TokenStatus = 'active' | 'expiring' | 'expired' | 'revoked';

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface TenantListItem {
  id: string;
  name: string;
  created_at: string;
  scim_status: ScimStatus;
}

export interface TenantOverview {
  id: string;
  name: string;
  created_at: string;
  scim: {
    status: ScimStatus;
    scim_base_url: string;
    changed_at: string | null;
    live_tokens: number;
    last_used_at: string | null;
  };
  directory: {
    users_active: number;
    users_inactive: number;
    users_deleted: number;
    groups: number;
    mapped_groups: number;
    default_role: Role | null;
  };
  sync_events: Record<SyncEventState, number>;
}

export interface IssuedToken {
  token: string;
  token_id: string;
  scim_base_url?: string;
  overlap_seconds?: number;
}

export interface ScimToken {
  id: string;
  status: TokenStatus;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface MappingEntry {
  group_id: string;
  role: Role;
}

export interface GroupRoleMapping {
  group_role_mapping: MappingEntry[];
  default_role: Role | null;
}

export interface RoleChange {
  user_id: string;
  userName: string;
  old_role: Role | null;
  new_role: Role | null;
}

export interface MappingPreview {
  total_changes: number;
  changes: RoleChange[];
  next_cursor: string | null;
}

export interface DirectoryUser {
  id: string;
  userName: string;
  displayName: string | null;
  email: string | null;
  externalId: string | null;
  status: 'active' | 'inactive' | 'deleted';
  active: boolean;
  source: 'scim' | 'jit';
  role: Role | null;
  created_at: string;
  updated_at: string;
  deprovisioned_at: string | null;
  deleted_at: string | null;
  groups: Array<{ id: string; displayName: string }>;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
  externalId: string | null;
  member_count: number;
  mapped_role: Role | null;
  created_at: string;
  updated_at: string;
}

export interface RoleExplanation {
  role: Role | null;
  granted_by: 'mapped_groups' | 'default_role' | 'none';
  none_reason: 'deleted' | 'inactive' | 'no_mapped_group_and_no_default_role' | null;
  groups: Array<{ id: string; displayName: string; role: Role }>;
  reevaluation_pending: boolean;
}

export interface ExplainedUser {
  id: string;
  userName: string;
  active: boolean;
  role: Role | null;
  role_explanation: RoleExplanation;
}

export interface SyncEvent {
  id: string;
  kind: SyncEventKind;
  resource_type: 'User' | 'Group' | 'Tenant';
  resource_id: string;
  state: SyncEventState;
  last_error: string | null;
  attempts: number;
  // TODO(dashboard): the Activity screen offers Replay on every failed event; it should also show
  // last_fault, automatic_replays and next_automatic_replay_at, so that an admin sees a transient
  // failure will be replayed by itself and when.
  replays: number;
  payload: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  workflow_id: string;
  temporal_ui_url: string;
}

export interface WorkflowStep {
  activity_id: string;
  activity_type: string;
  summary: string | null;
  state: 'scheduled' | 'running' | 'retrying' | 'completed' | 'failed' | 'timed_out' | 'canceled';
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
    activities: WorkflowStep[];
  } | null;
  history_unavailable?: string;
}

export interface ReplayResult {
  sync_event_id: string;
  outcome: 'replayed' | 'already_completed' | 'in_progress';
  replayed: boolean;
  state: SyncEventState;
  workflow_id: string;
  temporal_ui_url: string;
  detail: string;
}

export interface ReplayFailedResult {
  replayed: number;
  results: ReplayResult[];
  remaining: number;
}

export interface AuditEvent {
  id: string;
  occurred_at: string;
  actor_type: 'scim' | 'admin' | 'system' | 'user';
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
}
