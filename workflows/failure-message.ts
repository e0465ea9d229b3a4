import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  isCancellation,
} from '@temporalio/workflow';

/** What the activity's retry state says about why it stopped. */
function outcome(failure: ActivityFailure, maximumAttempts: number): string {
  switch (failure.retryState) {
    case 'MAXIMUM_ATTEMPTS_REACHED':
      return `gave up after ${maximumAttempts} attempts`;
    case 'NON_RETRYABLE_FAILURE':
      return 'failed permanently';
    case 'TIMEOUT':
      return 'timed out';
    default:
      return 'failed';
  }
}

function causeOf(error: unknown): string {
  if (error instanceof ApplicationFailure) return `${error.type ?? 'Error'}: ${error.message}`;
  if (error instanceof TimeoutFailure) return `timeout (${error.timeoutType})`;

  return error instanceof Error ? error.message : String(error);
}

/**
 * The sync event's `last_error`: which step stopped, why, and the root error,
 * e.g. `revokeSessions gave up after 8 attempts: Error: connection refused`.
 * An ActivityFailure's own message ("Activity task failed") says none of that.
 */
export function failureMessage(error: unknown, maximumAttempts: number): string {
  if (error instanceof ActivityFailure) {
    return `${error.activityType} ${outcome(error, maximumAttempts)}: ${causeOf(error.cause)}`;
  }

  return causeOf(error);
}

/**
 * Whether a later replay can succeed where this run failed. `permanent` when
 * an activity said no retry can fix it (a non-retryable failure with a stable
 * type, activities/errors.ts) or someone cancelled the run on purpose;
 * `transient` for the rest: a lost connection, a database or store that did
 * not answer, a timeout, whose retries ran out before the cause went away.
 */
export function faultOf(error: unknown): 'transient' | 'permanent' {
  if (isCancellation(error)) return 'permanent';
  if (error instanceof ActivityFailure) {
    return error.retryState === 'NON_RETRYABLE_FAILURE' ? 'permanent' : faultOf(error.cause);
  }

  return error instanceof ApplicationFailure && error.nonRetryable ? 'permanent' : 'transient';
}
