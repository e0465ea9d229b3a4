import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The kysely view of the database. Column names are snake_case; the SCIM
 * attributes that are neither indexed nor constrained live in `resource`
 * (jsonb, keyed by canonical attribute names, extensions under their URN).
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = Record<string, unknown>> = ColumnType<T, T | string, T | string>;
type JsonWithDefault<T> = ColumnType<T, T | string | undefined, T | string>;

export type Role = 'admin' | 'member' | 'viewer';
export type UserSource = 'scim' | 'jit';
export type SyncEventKind = 'deprovision' | 'reevaluate_roles';
export type SyncEventState = 'pending' | 'running' | 'completed' | 'failed';
/** Whether a replay may fix a failure: `permanent` means no retry can. */
export type SyncFault = 'transient' | 'permanent';

export interface TenantsTable {
  id: string;
  name: string;
  created_at: Timestamp;
}

export interface ScimConnectionsTable {
  tenant_id: string;
  enabled: boolean;
  group_role_mapping: JsonWithDefault<Array<{ group_id: string; role: Role }>>;
  default_role: ColumnType<Role | null, Role | null | undefined, Role | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ScimTokensTable {
  id: string;
  tenant_id: string;
  token_hash: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  /** Set when a rotation keeps the old token valid for a bounded overlap. */
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  user_name: string;
  external_id: string | null;
  active: boolean;
  source: UserSource;
  role: Role | null;
  resource: Json;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  deprovisioned_at: NullableTimestamp;
  /** Last deactivation: sessions and agent tokens issued before it are dead for good. */
  tokens_invalid_before: NullableTimestamp;
  /** SCIM DELETE: the account stays (inactive) for audit; SCIM no longer sees it. */
  deleted_at: NullableTimestamp;
}

export interface GroupsTable {
  id: string;
  tenant_id: string;
  display_name: string;
  external_id: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupMembersTable {
  tenant_id: string;
  group_id: string;
  user_id: string;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface AgentTokensTable {
  id: string;
  tenant_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface AuditEventsTable {
  id: string;
  tenant_id: string | null;
  occurred_at: Timestamp;
  actor_type: 'scim' | 'admin' | 'system' | 'user';
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  user_agent: string | null;
  details: JsonWithDefault<Record<string, unknown>>;
  /** Makes a retried activity's audit write land once. */
  idempotency_key: string | null;
}

export interface SyncEventsTable {
  id: string;
  tenant_id: string;
  kind: SyncEventKind;
  resource_type: 'User' | 'Group' | 'Tenant';
  resource_id: string;
  workflow_id: string;
  state: SyncEventState;
  payload: JsonWithDefault<Record<string, unknown>>;
  last_error: string | null;
  /** The kind of the failure in `last_error`; null for events that failed before it was recorded. */
  last_fault: SyncFault | null;
  attempts: Generated<number>;
  automatic_replays: Generated<number>;
  /** When the api replays the failed event by itself; null when no automatic replay is owed. */
  next_automatic_replay_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  dispatched_at: NullableTimestamp;
  completed_at: NullableTimestamp;
}

export interface Database {
  tenants: TenantsTable;
  scim_connections: ScimConnectionsTable;
  scim_tokens: ScimTokensTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  sessions: SessionsTable;
  agent_tokens: AgentTokensTable;
  audit_events: AuditEventsTable;
  sync_events: SyncEventsTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type GroupRow = Selectable<GroupsTable>;
export type SyncEventRow = Selectable<SyncEventsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
