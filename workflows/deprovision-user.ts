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
    const account = await step('mark account inactive', retry).markAccountInactive(input);
    const sessions = await step('revoke sessions', retry).revokeSessions(input);
    const agentTokens = await step('revoke agent tokens', retry).revokeAgentTokens(input);
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

export interface DeprovisionSummary {
  accountInactive: boolean;
  sessionsRevoked: number;
  agentTokensRevoked: number;
}
