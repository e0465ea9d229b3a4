import { useMemo, useState } from 'react';
import { createApiClient } from './api/client';
import type { Session } from './api/client';
import { DashboardContext } from './dashboard-context';
import { navigate, useRoute } from './routing';
import { SignIn } from './screens/sign-in';
import { TenantPicker } from './screens/tenant-picker';
import { TenantWorkspace } from './screens/tenant-workspace';
import { clearSession, loadSession, saveSession } from './session';

/** Settings → Directory Sync: sign in with the admin key, pick a tenant, work on it. */
export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const route = useRoute();
  const api = useMemo(() => (session === null ? null : createApiClient(session)), [session]);

  if (session === null || api === null) {
    return (
      <SignIn
        onSignedIn={(signedIn) => {
          saveSession(signedIn);
          setSession(signedIn);
        }}
      />
    );
  }

  const signOut = () => {
    clearSession();
    setSession(null);
    navigate('#/');
  };

  return (
    <DashboardContext.Provider value={{ api, session, signOut }}>
      <div className="page">
        <header className="top-bar">
          <button type="button" className="skip-link" onClick={focusMain}>
            Skip to content
          </button>
          <a className="brand" href="#/">
            Bulwark <span>Directory Sync</span>
          </a>
          <div className="top-bar-end">
            {session.actor !== null && (
              <span className="signed-in-as">
                Signed in as <strong>{session.actor}</strong>
              </span>
            )}
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </div>
        </header>
        {route.tenantId === null ? (
          <TenantPicker />
        ) : (
          <TenantWorkspace key={route.tenantId} tenantId={route.tenantId} route={route} />
        )}
      </div>
    </DashboardContext.Provider>
  );
}

/** The skip link is a button: a `#main` link would change the route, which lives in the hash. */
function focusMain() {
  document.querySelector<HTMLElement>('main h1')?.focus();
}
