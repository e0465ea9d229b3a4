import { ApiError, UnreachableError } from './client';

/** An error as a person reads it: what failed, the API's reason, and what to do next. */
export interface ErrorDescription {
  title: string;
  detail: string;
  hint: string | null;
  requestId: string | null;
  /** The admin key no longer works: the only way on is to sign in again. */
  signInAgain: boolean;
}

/**
 * `action` completes "Couldn't …", e.g. "rotate the token". The API's
 * `detail` is written for people and shown as it is; the hint says what
 * usually fixes that kind of refusal. `signedIn` tells a key that never
 * worked (a typo at sign-in) from one that stopped working (a new key).
 */
export function describeError(error: unknown, action: string, signedIn = true): ErrorDescription {
  const title = `Couldn't ${action}.`;
  if (error instanceof UnreachableError) {
    return {
      title,
      detail: 'Bulwark did not answer.',
      hint: 'Check your connection and that the Bulwark api is running, then try again.',
      requestId: null,
      signInAgain: false,
    };
  }
  if (!(error instanceof ApiError)) {
    return {
      title,
      detail: error instanceof Error ? error.message : String(error),
      hint: 'Reload the page and try again.',
      requestId: null,
      signInAgain: false,
    };
  }

  const { status, detail, requestId } = error;
  if (status === 401 && !signedIn) {
    return {
      title,
      detail: 'Bulwark did not accept this admin key.',
      hint: 'Check it against the key the api was started with; a character is easily lost when copying.',
      requestId,
      signInAgain: false,
    };
  }
  if (status === 401) {
    return {
      title,
      detail: 'Bulwark no longer accepts your admin key: it may have been changed.',
      hint: 'Sign in again with the current admin API key.',
      requestId,
      signInAgain: true,
    };
  }
  let hint: string | null = null;
  if (status === 400) hint = 'Check what you entered and try again.';
  else if (status === 404) hint = 'It may have been removed, or it belongs to another tenant.';
  else if (status === 409) hint = 'Reload to see the current state, then decide again.';
  else if (status === 429) hint = 'Too many requests: wait a minute and try again.';
  else if (status === 503)
    hint = 'A service Bulwark depends on is unavailable; try again in a minute.';
  else if (status >= 500) {
    hint =
      'This is a fault in Bulwark, not in what you did. If it persists, give support the request id.';
  }

  return { title, detail, hint, requestId, signInAgain: false };
}
