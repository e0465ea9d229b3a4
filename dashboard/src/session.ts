import type { Session } from './api/client';

const KEY = 'bulwark.dashboard.session';

// TODO(dashboard): sign in through Bulwark's own SSO with per-person admin rights; the shared
// admin key and a self-declared name for the audit log are the stopgap issue 8 allows ("for now").

/**
 * The admin key stays in sessionStorage: it lives as long as the tab and
 * is never written to disk for the next person at this browser.
 */
export function loadSession(): Session | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Partial<Session> | null;
    if (typeof stored?.adminKey !== 'string' || stored.adminKey === '') return null;

    return {
      adminKey: stored.adminKey,
      actor: typeof stored.actor === 'string' ? stored.actor : null,
    };
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
