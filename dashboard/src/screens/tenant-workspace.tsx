import { useEffect } from 'react';
import { tenantPath } from '../api/client';
import type { TenantOverview } from '../api/types';
import { ErrorNotice } from '../components/error-notice';
import { TimeText } from '../components/time-text';
import { TenantContext, useDashboard } from '../dashboard-context';
import type { Route } from '../routing';
import { SCREENS, hrefFor } from '../routing';
import { useLoad } from '../use-load';
import { ActivityScreen } from './activity-screen';
import { ConnectScreen } from './connect-screen';
import { DirectoryScreen } from './directory-screen';
import { MappingScreen } from './mapping-screen';
import { TokenScreen } from './token-screen';

/** Numbers in the summary bar move on their own (IdP pushes, workflows): refresh them this often. */
const OVERVIEW_REFRESH_MS = 10_000;

/** One tenant: its state at a glance, the navigation, and the current screen. */
export function TenantWorkspace({ tenantId, route }: { tenantId: string; route: Route }) {
  const { api } = useDashboard();
  const overview = useLoad(() => api.get<TenantOverview>(tenantPath(tenantId)), [api, tenantId]);
  const { reload } = overview;

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, OVERVIEW_REFRESH_MS);

    return () => window.clearInterval(timer);
  }, [reload]);

  if (overview.data === undefined && overview.error !== undefined) {
    return (
      <main id="main" className="content">
        <ErrorNotice error={overview.error} action="open this tenant" onRetry={reload} />
        <p>
          <a href="#/">Choose another tenant</a>
        </p>
      </main>
    );
  }

  return (
    <TenantContext.Provider value={{ tenantId, overview: overview.data, refreshOverview: reload }}>
      <div className="tenant-bar">
        <div className="tenant-heading">
          <p className="tenant-label">Tenant</p>
          <p className="tenant-title">
            {overview.data?.name ?? '…'} <code>{tenantId}</code>
          </p>
          <a href="#/" className="switch-tenant">
            Switch tenant
          </a>
        </div>
        {overview.data !== undefined && <AtAGlance overview={overview.data} tenantId={tenantId} />}
      </div>
      <nav className="screen-nav" aria-label="Directory Sync">
        <ul>
          {SCREENS.map((screen) => (
            <li key={screen.id}>
              <a
                href={hrefFor(tenantId, screen.id)}
                aria-current={route.screen === screen.id ? 'page' : undefined}
              >
                {screen.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content">
        {route.screen === 'connect' && <ConnectScreen />}
        {route.screen === 'token' && <TokenScreen />}
        {route.screen === 'mapping' && <MappingScreen />}
        {route.screen === 'activity' && <ActivityScreen params={route.params} />}
        {route.screen === 'directory' && <DirectoryScreen params={route.params} />}
      </main>
    </TenantContext.Provider>
  );
}

/** The state of the sync in one line: is SCIM on, is the IdP pushing, is anything stuck. */
function AtAGlance({ overview, tenantId }: { overview: TenantOverview; tenantId: string }) {
  const { scim, directory, sync_events: sync } = overview;
  const unfinished = sync.pending + sync.running;
  const scimLabel =
    scim.status === 'enabled' ? 'On' : scim.status === 'disabled' ? 'Disabled' : 'Not set up';

  return (
    <dl className="glance" aria-label="At a glance">
      <div>
        <dt>SCIM</dt>
        <dd>
          <span className={`badge badge-${scim.status === 'enabled' ? 'completed' : 'muted'}`}>
            {scimLabel}
          </span>
        </dd>
      </div>
      <div>
        <dt>Token last used</dt>
        <dd>
          <TimeText value={scim.last_used_at} empty="never" />
        </dd>
      </div>
      <div>
        <dt>Users</dt>
        <dd>
          {directory.users_active} active
          {directory.users_inactive > 0 && `, ${directory.users_inactive} deactivated`}
        </dd>
      </div>
      <div>
        <dt>Groups</dt>
        <dd>
          {directory.groups} ({directory.mapped_groups} mapped)
        </dd>
      </div>
      <div>
        <dt>Sync</dt>
        <dd>
          {sync.failed > 0 ? (
            <a href={hrefFor(tenantId, 'activity', { state: 'failed' })} className="glance-alert">
              {sync.failed} failed
            </a>
          ) : unfinished > 0 ? (
            `${unfinished} in progress`
          ) : (
            'Up to date'
          )}
        </dd>
      </div>
    </dl>
  );
}
