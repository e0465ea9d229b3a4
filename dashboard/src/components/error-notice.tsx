import { useContext } from 'react';
import { describeError } from '../api/describe-error';
import { DashboardContext } from '../dashboard-context';

interface ErrorNoticeProps {
  error: unknown;
  /** Completes "Couldn't …": what the person was trying to do. */
  action: string;
  onRetry?: () => void;
}

/** An API refusal as a sentence, the API's reason, and the way on; announced at once. */
export function ErrorNotice({ error, action, onRetry }: ErrorNoticeProps) {
  const dashboard = useContext(DashboardContext);
  if (error === undefined || error === null) return null;
  const description = describeError(error, action, dashboard !== null);

  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{description.title}</p>
      <p>{description.detail}</p>
      {description.hint !== null && <p className="notice-hint">{description.hint}</p>}
      {(description.signInAgain || onRetry !== undefined) && (
        <div className="button-row">
          {description.signInAgain && dashboard !== null && (
            <button type="button" onClick={dashboard.signOut}>
              Sign in again
            </button>
          )}
          {!description.signInAgain && onRetry !== undefined && (
            <button type="button" onClick={onRetry}>
              Try again
            </button>
          )}
        </div>
      )}
      {description.requestId !== null && (
        <p className="notice-meta">
          Request id <code>{description.requestId}</code>
        </p>
      )}
    </div>
  );
}
