import { useState } from 'react';
import type { FormEvent } from 'react';
import { createApiClient } from '../api/client';
import type { Session } from '../api/client';
import { ErrorNotice } from '../components/error-notice';
import { ScreenTitle } from './screen-title';

/**
 * The admin key is checked against the API before it is kept, so a typo is
 * caught here rather than on the first screen.
 */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [adminKey, setAdminKey] = useState('');
  const [actor, setActor] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const session: Session = { adminKey: adminKey.trim(), actor: actor.trim() || null };
    setBusy(true);
    setError(undefined);
    try {
      await createApiClient(session).get('/tenants', { limit: 1 });
      onSignedIn(session);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <ScreenTitle intro="Connect your identity provider to Bulwark and watch the sync.">
        Directory Sync
      </ScreenTitle>
      <form onSubmit={submit} className="card form" aria-describedby="sign-in-note">
        <div className="field">
          <label htmlFor="admin-key">Admin API key</label>
          <input
            id="admin-key"
            type="password"
            required
            autoComplete="off"
            spellCheck={false}
            value={adminKey}
            onChange={(event) => setAdminKey(event.target.value)}
          />
          <p className="field-hint">
            <code>npm start</code> prints it; in development it is kept in{' '}
            <code>.data/admin-api-key</code>.
          </p>
        </div>
        <div className="field">
          <label htmlFor="actor">Your name or email (optional)</label>
          <input
            id="actor"
            autoComplete="email"
            maxLength={200}
            value={actor}
            onChange={(event) => setActor(event.target.value)}
          />
          <p className="field-hint">Recorded in the audit log with the changes you make.</p>
        </div>
        <ErrorNotice error={error} action="sign in" />
        <div className="button-row">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
        <p className="field-hint" id="sign-in-note">
          The key stays in this browser tab only and is sent only to this server.
        </p>
      </form>
    </main>
  );
}
