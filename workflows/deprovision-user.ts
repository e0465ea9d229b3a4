import { log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export interface DeprovisionUserInput {
  tenantId: string;
  userId: string;
  syncEventId: string;
  /** What the IdP did: `deactivated` (active: false) or `deleted` (DELETE). */
  reason: 'deactivated' | 'deleted';
}

/**
 * Transient faults (database restarting, connection lost) retry with backoff
 * for as long as it takes: a deprovisioning must never be dropped. Permanent
 * ones are thrown as non-retryable failures by the activities.
 */
function step(summary: string) {
  return proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    summary,
    retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
  });
}

/**
 * Takes every form of access away from a user the directory deactivated or
 * deleted: the account, every session and every agent token, then records it.
 * Each step is an idempotent activity; a worker crash resumes at the step that
 * did not finish.
 */
export async function deprovisionUser(input: DeprovisionUserInput): Promise<DeprovisionSummary> {
  const { syncEventId } = input;
  await step('mark sync event running').markSyncEventRunning({ syncEventId });

  try {
    const account = await step('mark account inactive').markAccountInactive(input);
    const sessions = await step('revoke sessions').revokeSessions(input);
    const agentTokens = await step('revoke agent tokens').revokeAgentTokens(input);
    const summary = {
      accountInactive: account.inactive,
      sessionsRevoked: sessions.revoked,
      agentTokensRevoked: agentTokens.revoked,
    };
    await step('record deprovisioning').recordDeprovisioned({ ...input, ...summary });
    await step('complete sync event').completeSyncEvent({ syncEventId });

    return summary;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn('deprovisioning failed', { syncEventId, message });
    await step('record failure').failSyncEvent({ syncEventId, error: message });

    throw error;
  }
}

export interface DeprovisionSummary {
  accountInactive: boolean;
  sessionsRevoked: number;
  agentTokensRevoked: number;
}
