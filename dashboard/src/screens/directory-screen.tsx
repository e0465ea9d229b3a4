import { useState } from 'react';
import { tenantPath } from '../api/client';
import type { DirectoryGroup, DirectoryUser, Page } from '../api/types';
import { RoleText } from '../components/badges';
import { ErrorNotice } from '../components/error-notice';
import { TimeText } from '../components/time-text';
import { UserTable } from '../components/user-table';
import { useDashboard, useTenant } from '../dashboard-context';
import { useDebounced } from '../use-debounced';
import { useLoad } from '../use-load';
import { ScreenTitle } from './screen-title';

const USER_PAGE = 50;

export function DirectoryScreen({ params }: { params: URLSearchParams }) {
  return (
    <>
      <ScreenTitle intro="People and groups as your identity provider pushed them, and people created at their first SSO sign-in (JIT).">
        Users and groups
      </ScreenTitle>
      <Users key={params.get('q') ?? ''} initialSearch={params.get('q') ?? ''} />
      <Groups />
    </>
  );
}

function Users({ initialSearch }: { initialSearch: string }) {
  const { api } = useDashboard();
  const { tenantId } = useTenant();
  const [search, setSearch] = useState(initialSearch);
  const [status, setStatus] = useState('');
  const [source, setSource] = useState('');
  const [role, setRole] = useState('');
  const q = useDebounced(search.trim());
  const query = { q, status, source, role, limit: USER_PAGE };
  const first = useLoad(
    () => api.get<Page<DirectoryUser>>(tenantPath(tenantId, '/users'), query),
    [api, tenantId, q, status, source, role],
  );
  const [more, setMore] = useState<{
    key: string;
    items: DirectoryUser[];
    cursor: string | null;
  } | null>(null);
  const [moreError, setMoreError] = useState<unknown>();
  const key = JSON.stringify(query);
  const extra = more !== null && more.key === key ? more : null;

  async function loadMore() {
    const cursor = extra === null ? first.data?.next_cursor : extra.cursor;
    if (cursor === null || cursor === undefined) return;
    setMoreError(undefined);
    try {
      const page = await api.get<Page<DirectoryUser>>(tenantPath(tenantId, '/users'), {
        ...query,
        cursor,
      });
      setMore({ key, items: [...(extra?.items ?? []), ...page.items], cursor: page.next_cursor });
    } catch (caught) {
      setMoreError(caught);
    }
  }

  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const nextCursor = extra === null ? first.data?.next_cursor : extra.cursor;

  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <form
        className="filters"
        role="search"
        aria-label="Find users"
        onSubmit={(event) => event.preventDefault()}
      >
        <div className="field field-grow">
          <label htmlFor="user-search">Search</label>
          <input
            id="user-search"
            type="search"
            placeholder="Name, email, userName or id"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="user-status">Status</label>
          <select
            id="user-status"
            value={status}
            onChange={(event) => setStatus(event.target.value)}
          >
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="inactive">Deprovisioned</option>
            <option value="deleted">Deleted</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="user-source">Source</label>
          <select
            id="user-source"
            value={source}
            onChange={(event) => setSource(event.target.value)}
          >
            <option value="">Any</option>
            <option value="scim">SCIM</option>
            <option value="jit">JIT (SSO sign-in)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="user-role">Role</label>
          <select id="user-role" value={role} onChange={(event) => setRole(event.target.value)}>
            <option value="">Any</option>
            <option value="admin">Admin</option>
            <option value="member">Member</option>
            <option value="viewer">Viewer</option>
            <option value="none">No role</option>
          </select>
        </div>
      </form>
      <p className="visually-hidden" role="status">
        {first.data === undefined
          ? ''
          : `${items.length}${nextCursor != null ? '+' : ''} users shown`}
      </p>
      <ErrorNotice error={first.error} action="list the users" onRetry={first.reload} />
      {first.data !== undefined && items.length === 0 && (
        <p className="empty">
          {q === '' && status === '' && source === '' && role === ''
            ? 'Nobody yet: your identity provider has not pushed anyone.'
            : 'Nobody matches.'}
        </p>
      )}
      {items.length > 0 && <UserTable tenantId={tenantId} users={items} caption="Users" />}
      <ErrorNotice error={moreError} action="load more users" />
      {nextCursor != null && (
        <button type="button" onClick={loadMore}>
          Show more users
        </button>
      )}
    </section>
  );
}

function Groups() {
  const { api } = useDashboard();
  const { tenantId } = useTenant();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim());
  const groups = useLoad(
    () => api.get<Page<DirectoryGroup>>(tenantPath(tenantId, '/groups'), { q, limit: 200 }),
    [api, tenantId, q],
  );

  return (
    <section className="card" aria-labelledby="groups-title">
      <h2 id="groups-title">Groups</h2>
      <form
        className="filters"
        role="search"
        aria-label="Find groups"
        onSubmit={(event) => event.preventDefault()}
      >
        <div className="field field-grow">
          <label htmlFor="group-search">Search</label>
          <input
            id="group-search"
            type="search"
            placeholder="Group name or id"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
      </form>
      <ErrorNotice error={groups.error} action="list the groups" onRetry={groups.reload} />
      {groups.data !== undefined && groups.data.items.length === 0 && (
        <p className="empty">{q === '' ? 'No group pushed yet.' : 'No group matches.'}</p>
      )}
      {groups.data !== undefined && groups.data.items.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="groups-title">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Members</th>
                <th scope="col">Role it grants</th>
                <th scope="col">Last changed</th>
              </tr>
            </thead>
            <tbody>
              {groups.data.items.map((group) => (
                <tr key={group.id}>
                  <th scope="row">
                    <span className="block">{group.displayName}</span>
                    <code className="muted">{group.id}</code>
                  </th>
                  <td>{group.member_count}</td>
                  <td>
                    {group.mapped_role === null ? (
                      <span className="muted">Not mapped</span>
                    ) : (
                      <RoleText role={group.mapped_role} />
                    )}
                  </td>
                  <td>
                    <TimeText value={group.updated_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {groups.data?.next_cursor != null && (
        <p className="field-hint">Showing the first 200; search to narrow.</p>
      )}
    </section>
  );
}
