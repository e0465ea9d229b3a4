import { useMemo, useState } from 'react';
import { ApiError, tenantPath } from '../api/client';
import type {
  DirectoryGroup,
  DirectoryUser,
  GroupRoleMapping,
  MappingPreview,
  Page,
  Role,
} from '../api/types';
import { ROLE_LABELS, RoleText, SyncStateBadge } from '../components/badges';
import { ErrorNotice } from '../components/error-notice';
import { UserTable } from '../components/user-table';
import { useDashboard, useTenant } from '../dashboard-context';
import { hrefFor } from '../routing';
import { useLoad } from '../use-load';
import { useSyncEvent } from '../use-sync-event';
import { ScreenTitle } from './screen-title';

const ROLES: Role[] = ['admin', 'member', 'viewer'];

interface Draft {
  /** Group id → role, in the order the mapping lists them. */
  entries: Array<[string, Role]>;
  defaultRole: Role | null;
}

function toBody(draft: Draft): GroupRoleMapping {
  return {
    group_role_mapping: draft.entries.map(([group_id, role]) => ({ group_id, role })),
    default_role: draft.defaultRole,
  };
}

function fromMapping(mapping: GroupRoleMapping): Draft {
  return {
    entries: mapping.group_role_mapping.map((entry) => [entry.group_id, entry.role]),
    defaultRole: mapping.default_role,
  };
}

/** Two drafts are the same mapping whatever the order of their entries. */
function keyOf(draft: Draft): string {
  const entries = [...draft.entries].sort(([a], [b]) => a.localeCompare(b));

  return JSON.stringify({ entries, defaultRole: draft.defaultRole });
}

export function MappingScreen() {
  const { api } = useDashboard();
  const { tenantId, refreshOverview } = useTenant();
  const mapping = useLoad(
    () => api.get<GroupRoleMapping>(tenantPath(tenantId, '/scim/group-role-mapping')),
    [api, tenantId],
  );
  // TODO(dashboard): a tenant with more than 500 pushed groups can map only the first 500 by name
  // here; search the API (GET groups?q=) instead of filtering the loaded page.
  const groups = useLoad(
    () => api.get<Page<DirectoryGroup>>(tenantPath(tenantId, '/groups'), { limit: 500 }),
    [api, tenantId],
  );
  const [edited, setEdited] = useState<Draft | null>(null);
  const [groupFilter, setGroupFilter] = useState('');
  const [preview, setPreview] = useState<{ key: string; result: MappingPreview } | null>(null);
  const [previewError, setPreviewError] = useState<unknown>();
  const [busy, setBusy] = useState<'preview' | 'more' | 'save' | null>(null);
  const [saveError, setSaveError] = useState<unknown>();
  const [syncEventId, setSyncEventId] = useState<string | null>(null);
  const [userSearch, setUserSearch] = useState('');
  const users = useLoad(
    () =>
      api.get<Page<DirectoryUser>>(tenantPath(tenantId, '/users'), {
        q: userSearch.trim(),
        limit: 50,
      }),
    [api, tenantId, userSearch],
  );
  const applied = useSyncEvent(api, tenantId, syncEventId, () => {
    users.reload();
    groups.reload();
    refreshOverview();
  });

  const stored = useMemo(
    () => (mapping.data === undefined ? null : fromMapping(mapping.data)),
    [mapping.data],
  );
  const draft = edited ?? stored;
  const dirty = draft !== null && stored !== null && keyOf(draft) !== keyOf(stored);
  const previewIsCurrent = draft !== null && preview !== null && preview.key === keyOf(draft);

  if (mapping.error instanceof ApiError && mapping.error.status === 404) {
    return (
      <>
        <ScreenTitle>Group → role mapping</ScreenTitle>
        <p className="card">
          SCIM is not on for this tenant, so no group has been pushed yet.{' '}
          <a href={hrefFor(tenantId, 'connect')}>Connect your identity provider</a> first.
        </p>
      </>
    );
  }

  function update(change: (current: Draft) => Draft) {
    if (draft === null) return;
    setEdited(change(draft));
    setSaveError(undefined);
  }

  function setGroupRole(groupId: string, role: Role | null) {
    update((current) => {
      const entries = current.entries.filter(([id]) => id !== groupId);
      const index = current.entries.findIndex(([id]) => id === groupId);
      if (role !== null) entries.splice(index === -1 ? entries.length : index, 0, [groupId, role]);

      return { ...current, entries };
    });
  }

  async function runPreview(more: boolean) {
    if (draft === null) return;
    setBusy(more ? 'more' : 'preview');
    setPreviewError(undefined);
    try {
      const cursor = more ? preview?.result.next_cursor : undefined;
      const result = await api.send<MappingPreview>(
        'POST',
        tenantPath(tenantId, '/scim/group-role-mapping:preview'),
        toBody(draft),
        { limit: 100, cursor },
      );
      setPreview((previous) =>
        more && previous !== null
          ? {
              key: previous.key,
              result: { ...result, changes: [...previous.result.changes, ...result.changes] },
            }
          : { key: keyOf(draft), result },
      );
    } catch (caught) {
      setPreviewError(caught);
    } finally {
      setBusy(null);
    }
  }

  async function save() {
    if (draft === null) return;
    setBusy('save');
    setSaveError(undefined);
    try {
      const saved = await api.send<GroupRoleMapping & { sync_event_id: string }>(
        'PUT',
        tenantPath(tenantId, '/scim/group-role-mapping'),
        toBody(draft),
      );
      setEdited(null);
      setPreview(null);
      setSyncEventId(saved.sync_event_id);
      mapping.reload();
      refreshOverview();
    } catch (caught) {
      setSaveError(caught);
    } finally {
      setBusy(null);
    }
  }

  const roleOf = new Map(draft?.entries ?? []);
  const knownIds = new Set((groups.data?.items ?? []).map((group) => group.id));
  // Only a complete list can tell that a mapped group is gone.
  const complete = groups.data !== undefined && groups.data.next_cursor === null;
  const missing = (draft?.entries ?? []).filter(([id]) => complete && !knownIds.has(id));
  const filter = groupFilter.trim().toLowerCase();
  const shownGroups = (groups.data?.items ?? []).filter(
    (group) => filter === '' || group.displayName.toLowerCase().includes(filter),
  );

  return (
    <>
      <ScreenTitle intro="Groups your identity provider pushed grant Bulwark roles. A person in several mapped groups gets the highest role: Admin, then Member, then Viewer.">
        Group → role mapping
      </ScreenTitle>
      <ErrorNotice error={mapping.error} action="load the mapping" onRetry={mapping.reload} />
      <ErrorNotice error={groups.error} action="list the groups" onRetry={groups.reload} />

      {applied.event !== null && (
        <p
          className={`notice ${applied.event.state === 'failed' ? 'notice-error' : 'notice-success'}`}
          role="status"
        >
          {applied.event.state === 'completed' &&
            'Saved. Every role is up to date with the new mapping.'}
          {(applied.event.state === 'pending' || applied.event.state === 'running') &&
            'Saved. Applying the new roles…'}
          {applied.event.state === 'failed' &&
            `Saved, but applying the roles failed: ${applied.event.last_error ?? 'unknown error'}. `}{' '}
          <SyncStateBadge state={applied.event.state} />{' '}
          <a href={hrefFor(tenantId, 'activity')}>See it in Activity</a>
        </p>
      )}
      <ErrorNotice error={applied.error} action="follow the role update" />

      {draft !== null && groups.data !== undefined && (
        <form
          className="card"
          aria-labelledby="mapping-form-title"
          onSubmit={(event) => {
            event.preventDefault();
            void runPreview(false);
          }}
        >
          <h2 id="mapping-form-title">Mapped groups</h2>
          {groups.data.items.length === 0 ? (
            <p className="empty">
              Your identity provider has not pushed any group yet. Push the groups that should grant
              roles (Okta: Push Groups; Entra ID: assign groups to the app), then map them here.
            </p>
          ) : (
            <>
              <div className="field">
                <label htmlFor="group-filter">Find a group</label>
                <input
                  id="group-filter"
                  type="search"
                  value={groupFilter}
                  onChange={(event) => setGroupFilter(event.target.value)}
                />
              </div>
              <div
                className="table-scroll"
                tabIndex={0}
                role="region"
                aria-label="Pushed groups and their roles"
              >
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Group</th>
                      <th scope="col">Members</th>
                      <th scope="col">Role it grants</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shownGroups.map((group) => {
                      const selectId = `role-${group.id}`;

                      return (
                        <tr key={group.id}>
                          <th scope="row">
                            <label htmlFor={selectId}>{group.displayName}</label>
                          </th>
                          <td>{group.member_count}</td>
                          <td>
                            <select
                              id={selectId}
                              value={roleOf.get(group.id) ?? ''}
                              onChange={(event) =>
                                setGroupRole(group.id, (event.target.value || null) as Role | null)
                              }
                            >
                              <option value="">Not mapped</option>
                              {ROLES.map((role) => (
                                <option key={role} value={role}>
                                  {ROLE_LABELS[role]}
                                </option>
                              ))}
                            </select>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </>
          )}
          {missing.length > 0 && (
            <div className="notice notice-warning">
              <p>
                The mapping names {missing.length} group(s) your identity provider no longer has.
                Remove them to save.
              </p>
              <ul>
                {missing.map(([id, role]) => (
                  <li key={id}>
                    <code>{id}</code> ({ROLE_LABELS[role]}){' '}
                    <button
                      type="button"
                      className="button-small"
                      onClick={() => setGroupRole(id, null)}
                    >
                      Remove <span className="visually-hidden">{id}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div className="field">
            <label htmlFor="default-role">Role for people in no mapped group</label>
            <select
              id="default-role"
              value={draft.defaultRole ?? ''}
              onChange={(event) =>
                update((current) => ({
                  ...current,
                  defaultRole: (event.target.value || null) as Role | null,
                }))
              }
            >
              <option value="">No role</option>
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {ROLE_LABELS[role]}
                </option>
              ))}
            </select>
          </div>
          <ErrorNotice error={previewError} action="preview the changes" />
          <div className="button-row">
            <button type="submit" className="button-primary" disabled={busy !== null || !dirty}>
              {busy === 'preview' ? 'Checking…' : 'Preview changes'}
            </button>
            <button
              type="button"
              disabled={busy !== null || !dirty}
              onClick={() => {
                setEdited(null);
                setPreview(null);
              }}
            >
              Discard changes
            </button>
          </div>
          {!dirty && <p className="field-hint">Change a group’s role to see who it affects.</p>}
        </form>
      )}

      {dirty && preview !== null && (
        <section className="card" aria-labelledby="preview-title" aria-live="polite">
          <h2 id="preview-title">Who would change</h2>
          {!previewIsCurrent && (
            <p className="notice notice-warning">
              The mapping changed since this preview: preview again.
            </p>
          )}
          <p>
            {preview.result.total_changes === 0
              ? 'Nobody’s role would change.'
              : `${preview.result.total_changes} ${preview.result.total_changes === 1 ? 'person' : 'people'} would change role.`}
          </p>
          {preview.result.changes.length > 0 && (
            <div className="table-scroll" tabIndex={0} role="region" aria-label="Role changes">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Now</th>
                    <th scope="col">After saving</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.result.changes.map((change) => (
                    <tr key={change.user_id}>
                      <th scope="row">{change.userName}</th>
                      <td>
                        <RoleText role={change.old_role} />
                      </td>
                      <td>
                        <RoleText role={change.new_role} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {preview.result.next_cursor !== null && previewIsCurrent && (
            <button type="button" onClick={() => runPreview(true)} disabled={busy !== null}>
              {busy === 'more' ? 'Loading…' : 'Show more'}
            </button>
          )}
          <ErrorNotice error={saveError} action="save the mapping" />
          <div className="button-row">
            <button
              type="button"
              className="button-primary"
              onClick={save}
              disabled={busy !== null || !previewIsCurrent}
            >
              {busy === 'save' ? 'Saving…' : 'Save mapping'}
            </button>
          </div>
        </section>
      )}

      <section className="card" aria-labelledby="roles-title">
        <h2 id="roles-title">People and their roles</h2>
        <div className="field">
          <label htmlFor="role-user-search">Find a person</label>
          <input
            id="role-user-search"
            type="search"
            value={userSearch}
            onChange={(event) => setUserSearch(event.target.value)}
          />
        </div>
        <ErrorNotice error={users.error} action="list the people" onRetry={users.reload} />
        {users.data !== undefined && users.data.items.length === 0 && (
          <p className="empty">Nobody{userSearch.trim() === '' ? ' yet' : ' matches'}.</p>
        )}
        {users.data !== undefined && users.data.items.length > 0 && (
          <UserTable
            tenantId={tenantId}
            users={users.data.items}
            caption="People and their roles"
            compact
          />
        )}
        {users.data?.next_cursor != null && (
          <p>
            <a href={hrefFor(tenantId, 'directory')}>See everyone in Users and groups</a>
          </p>
        )}
      </section>
    </>
  );
}
