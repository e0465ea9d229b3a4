import type { Role, SyncEventState, TokenStatus } from '../api/types';

const SYNC_STATE_LABELS: Record<SyncEventState, string> = {
  pending: 'Pending',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
};

export function SyncStateBadge({ state }: { state: SyncEventState }) {
  return <span className={`badge badge-${state}`}>{SYNC_STATE_LABELS[state]}</span>;
}

const TOKEN_STATUS_LABELS: Record<TokenStatus, string> = {
  active: 'Active',
  expiring: 'Expiring',
  expired: 'Expired',
  revoked: 'Revoked',
};

export function TokenStatusBadge({ status }: { status: TokenStatus }) {
  const tone = status === 'active' ? 'completed' : status === 'expiring' ? 'pending' : 'muted';

  return <span className={`badge badge-${tone}`}>{TOKEN_STATUS_LABELS[status]}</span>;
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  member: 'Member',
  viewer: 'Viewer',
};

export function RoleText({ role }: { role: Role | null }) {
  if (role === null) return <span className="muted">No role</span>;

  return <span className={`role role-${role}`}>{ROLE_LABELS[role]}</span>;
}
