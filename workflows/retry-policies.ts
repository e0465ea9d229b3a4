import type { RetryPolicy } from '@temporalio/workflow';

/** About 17 minutes of retrying (see stepRetry): longer than a database restart or failover. */
export const DEFAULT_STEP_ATTEMPTS = 40;

/**
 * Every step of a sync workflow. Transient faults (a database restart, a lost
 * connection) retry with backoff, 200 ms doubling up to 30 s between attempts;
 * a step still failing after `maximumAttempts` fails the workflow, and its
 * sync event shows `failed` with the error and the fault `transient`. The api
 * then replays it by itself, with a growing delay and a bounded number of
 * times (src/sync/automatic-replay.ts), so an outage longer than this budget
 * heals once the database answers again. The api passes the budget in the
 * workflow input (SYNC_STEP_MAX_ATTEMPTS) so that it is part of the run's
 * history. Permanent faults are non-retryable failures thrown by the
 * activities: they skip the retries and wait for a support engineer's replay.
 */
export function stepRetry(maximumAttempts: number = DEFAULT_STEP_ATTEMPTS): RetryPolicy {
  return {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts,
  };
}

/**
 * Writing the failure down is the one step that must not give up: a failure
 * nobody can see in the database is a silent one. It retries until the
 * database answers, while the workflow stays visibly Running in Temporal.
 */
export const RECORD_FAILURE_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
};
