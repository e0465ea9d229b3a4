import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Page, ScimStatus, TenantListItem } from '../api/types';
import { ErrorNotice } from '../components/error-notice';
import { useDashboard } from '../dashboard-context';
import { hrefFor, navigate } from '../routing';
import { useLoad } from '../use-load';
import { ScreenTitle } from './screen-title';

const SCIM_STATUS_LABELS: Record<ScimStatus, string> = {
  enabled: 'SCIM on',
  disabled: 'SCIM off',
  never_enabled: 'Not connected',
};

/** One tenant at a time: pick it here, or create it. */
export function TenantPicker() {
  const { api } = useDashboard();
  const [search, setSearch] = useState('');
  const tenants = useLoad(
    () => api.get<Page<TenantListItem>>('/tenants', { q: search.trim(), limit: 200 }),
    [api, search],
  );
  const [name, setName] = useState('');
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<unknown>();

  async function create(event: FormEvent) {
    event.preventDefault();
    setCreating(true);
    setCreateError(undefined);
    try {
      const tenant = await api.send<{ id: string }>('POST', '/tenants', { name: name.trim() });
      navigate(hrefFor(tenant.id, 'connect'));
    } catch (caught) {
      setCreateError(caught);
      setCreating(false);
    }
  }

  const items = tenants.data?.items ?? [];

  return (
    <main id="main" className="content">
      <ScreenTitle intro="Directory Sync is set up per tenant: choose the one to work on.">
        Choose a tenant
      </ScreenTitle>
      <section className="card" aria-labelledby="tenant-list-title">
        <h2 id="tenant-list-title">Tenants</h2>
        <div className="field">
          <label htmlFor="tenant-search">Search by name or id</label>
          <input
            id="tenant-search"
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
        <ErrorNotice error={tenants.error} action="list the tenants" onRetry={tenants.reload} />
        {tenants.data !== undefined && items.length === 0 && (
          <p className="empty">
            {search.trim() === '' ? 'No tenant yet: create one below.' : 'No tenant matches.'}
          </p>
        )}
        <ul className="tenant-list">
          {items.map((tenant) => (
            <li key={tenant.id}>
              <a href={hrefFor(tenant.id, 'connect')}>
                <span className="tenant-name">{tenant.name}</span>
                <code className="tenant-id">{tenant.id}</code>
              </a>
              <span
                className={`badge badge-${tenant.scim_status === 'enabled' ? 'completed' : 'muted'}`}
              >
                {SCIM_STATUS_LABELS[tenant.scim_status]}
              </span>
            </li>
          ))}
        </ul>
        {tenants.data?.next_cursor != null && (
          <p className="field-hint">Showing the first 200; search to narrow the list.</p>
        )}
      </section>
      <section className="card" aria-labelledby="tenant-create-title">
        <h2 id="tenant-create-title">Create a tenant</h2>
        <form onSubmit={create} className="inline-form">
          <div className="field">
            <label htmlFor="tenant-name">Name</label>
            <input
              id="tenant-name"
              required
              maxLength={200}
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          </div>
          <button type="submit" className="button-primary" disabled={creating}>
            {creating ? 'Creating…' : 'Create tenant'}
          </button>
        </form>
        <ErrorNotice error={createError} action="create the tenant" />
      </section>
    </main>
  );
}
