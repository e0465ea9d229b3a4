import { log, proxyActivities } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { failureMessage, faultOf } from './failure-message';
import { RECORD_FAILURE_RETRY, stepRetry } from './retry-policies';

export interface DeprovisionUserInput {
  /** Attempts per step before the run fails (see retry-policies.ts); the api sets it. */
  stepMaxAttempts?: number;
  /** When the api replays the event after a transient failure of this run; absent: a person does. */
  automaticReplayAfterMs?: number;
  tenantId: string;
  userId: string;
  syncEventId: string;
  /** What the IdP did: `deactivated` (active: false) or `deleted` (DELETE). */
  reason: 'deactivated' | 'deleted';
}

/**
 * Transient faults retry with backoff, a bounded number of times; a step that
 * keeps failing leaves the sync event `failed` with its error, to be replayed
 * (never silently dropped). Permanent faults are non-retryable failures thrown
 * by the activities. See retry-policies.ts.
 */
function step(summary: string, retry: RetryPolicy) {
  return proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', summary, retry });
}

/**
 * Takes every form of access away from a user the directory deactivated or
 * deleted: the account, every session and every agent token, then records it.
 * Each step is an idempotent activity; a worker crash resumes at the step that
 * did not finish.
 */
export async function deprovisionUser(input: DeprovisionUserInput): Promise<DeprovisionSummary> {
  const { syncEventId } = input;
  const retry = stepRetry(input.stepMaxAttempts);

  // Inside the try: a database down from the first step on must still leave the event `failed`.
  try {
    await step('mark sync event running', retry).markSyncEventRunning({ syncEventId });
    // The three steps touch different rows and none reads another's result, so
    // they run at once: one round trip through the Temporal server instead of
    // three. They are scheduled in the order the steps once ran one after
    // another, which keeps runs recorded then replayable (see
    // test/integration/deprovision-workflow-versions.test.ts).
    const [account, sessions, agentTokens] = await allSettledOrFirstFailure([
      step('mark account inactive', retry).markAccountInactive(input),
      step('revoke sessions', retry).revokeSessions(input),
      step('revoke agent tokens', retry).revokeAgentTokens(input),
    ] as const);
    const summary = {
      accountInactive: account.inactive,
      sessionsRevoked: sessions.revoked,
      agentTokensRevoked: agentTokens.revoked,
    };
    await step('record deprovisioning', retry).recordDeprovisioned({ ...input, ...summary });
    await step('complete sync event', retry).completeSyncEvent({ syncEventId });

    return summary;
  } catch (error) {
    const message = failureMessage(error, retry.maximumAttempts ?? 0);
    log.warn('deprovisioning failed', { syncEventId, message });
    const recordFailure = step('record failure', RECORD_FAILURE_RETRY);
    await recordFailure.failSyncEvent({
      syncEventId,
      error: message,
      fault: faultOf(error),
      automaticReplayAfterMs: input.automaticReplayAfterMs,
    });

    throw error;
  }
}

/**
 * Waits for every step, then fails with the first failure in step order: a
 * failed run records its error only once no step of it is still retrying.
 */
async function allSettledOrFirstFailure<T extends readonly unknown[]>(
  steps: { readonly [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(steps);
  const failure = settled.find((outcome) => outcome.status === 'rejected');
  if (failure !== undefined) throw failure.reason;

  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

export interface DeprovisionSummary {
  accountInactive: boolean;
  sessionsRevoked: number;
  agentTokensRevoked: number;
}
