import { Fragment, useState } from 'react';
import type { DirectoryUser } from '../api/types';
import { RoleText } from './badges';
import { RoleExplanationText } from './role-explanation';
import { TimeText } from './time-text';

const SOURCE_LABELS = { scim: 'SCIM', jit: 'JIT (SSO sign-in)' } as const;

function UserStatus({ user }: { user: DirectoryUser }) {
  if (user.status === 'active') return <span className="badge badge-completed">Active</span>;
  if (user.status === 'deleted') {
    return (
      <>
        <span className="badge badge-muted">Deleted</span> <TimeText value={user.deleted_at} />
      </>
    );
  }

  return (
    <>
      <span className="badge badge-failed">Deprovisioned</span>{' '}
      {user.deprovisioned_at === null ? (
        <span className="muted">in progress</span>
      ) : (
        <TimeText value={user.deprovisioned_at} />
      )}
    </>
  );
}

interface UserTableProps {
  tenantId: string;
  users: DirectoryUser[];
  caption: string;
  /** Columns the mapping screen has no room for. */
  compact?: boolean;
}

/** People as the IdP pushed them, each with a "Why?" that asks the API for the role's reason. */
export function UserTable({ tenantId, users, caption, compact = false }: UserTableProps) {
  const [open, setOpen] = useState<string | null>(null);
  const columns = compact ? 4 : 6;

  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      {/* Explicit roles: the narrow-screen layout turns rows into blocks, which can drop table semantics. */}
      <table className="table table-stack" role="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Status</th>
            {!compact && <th scope="col">Source</th>}
            <th scope="col">Role</th>
            {!compact && <th scope="col">Groups</th>}
            <th scope="col">
              <span className="visually-hidden">Explain role</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => {
            const expanded = open === user.id;
            const detailId = `why-${user.id}`;

            return (
              <Fragment key={user.id}>
                <tr data-user={user.userName} role="row">
                  <th scope="row" role="rowheader">
                    <span className="block">{user.userName}</span>
                    {user.displayName !== null && user.displayName !== user.userName && (
                      <span className="muted block">{user.displayName}</span>
                    )}
                  </th>
                  <td role="cell" data-label="Status">
                    <UserStatus user={user} />
                  </td>
                  {!compact && (
                    <td role="cell" data-label="Source">
                      {SOURCE_LABELS[user.source]}
                    </td>
                  )}
                  <td role="cell" data-label="Role">
                    <RoleText role={user.role} />
                  </td>
                  {!compact && (
                    <td role="cell" data-label="Groups">
                      {user.groups.length === 0 ? (
                        <span className="muted">none</span>
                      ) : (
                        user.groups.map((group) => group.displayName).join(', ')
                      )}
                    </td>
                  )}
                  <td role="cell">
                    <button
                      type="button"
                      className="button-small"
                      aria-expanded={expanded}
                      aria-controls={expanded ? detailId : undefined}
                      aria-label={`Why does ${user.userName} have this role?`}
                      onClick={() => setOpen(expanded ? null : user.id)}
                    >
                      Why?
                    </button>
                  </td>
                </tr>
                {expanded && (
                  <tr className="detail-row" role="row">
                    <td colSpan={columns} id={detailId} role="cell">
                      <RoleExplanationText userId={user.id} tenantId={tenantId} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
