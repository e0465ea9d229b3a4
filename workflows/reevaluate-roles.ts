import { ContinueAsNew, continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { failureMessage, faultOf } from './failure-message';
import { RECORD_FAILURE_RETRY, stepRetry } from './retry-policies';

export interface ReevaluateRolesInput {
  /** Attempts per step before the run fails (see retry-policies.ts); the api sets it. */
  stepMaxAttempts?: number;
  /** When the api replays the event after a transient failure of this run; absent: a person does. */
  automaticReplayAfterMs?: number;
  tenantId: string;
  syncEventId: string;
  reason: string;
  /** The users whose role may have changed; null means every user of the tenant. */
  userIds: string[] | null;
  /** Where a continued run resumes paging. */
  afterUserId?: string | null;
  changedSoFar?: number;
}

const PAGE_SIZE = 1000;
/** Pages per run before continue-as-new keeps the history bounded. */
const PAGES_PER_RUN = 100;

/** Bounded retries; see retry-policies.ts. */
function step(summary: string, retry: RetryPolicy) {
  return proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', summary, retry });
}

/**
 * Recomputes roles from the current directory state: for the listed users,
 * or page by page through the whole tenant. Every change is audited by the
 * activity that makes it.
 */
export async function reevaluateRoles(input: ReevaluateRolesInput): Promise<{ changed: number }> {
  const { tenantId, syncEventId, reason } = input;
  const retry = stepRetry(input.stepMaxAttempts);

  let changed = input.changedSoFar ?? 0;
  try {
    // A continued run was marked by the first; a failure to mark must still leave the event `failed`.
    if (input.afterUserId === undefined) await step('mark sync event running', retry).markSyncEventRunning({ syncEventId });
    if (input.userIds !== null) {
      const result = await step(`re-evaluate ${input.userIds.length} users`, retry).reevaluateUsers({
        tenantId,
        syncEventId,
        reason,
        userIds: input.userIds,
      });
      changed += result.changed;
    } else {
      let after = input.afterUserId ?? null;
      for (let page = 0; ; page++) {
        if (page === PAGES_PER_RUN) {
          await continueAsNew<typeof reevaluateRoles>({ ...input, afterUserId: after, changedSoFar: changed });
        }
        const result = await step(`re-evaluate users after ${after ?? 'the first'}`, retry).reevaluateUserPage({
          tenantId,
          syncEventId,
          reason,
          afterUserId: after,
          pageSize: PAGE_SIZE,
        });
        changed += result.changed;
        if (result.lastUserId === null) break;
        after = result.lastUserId;
      }
    }
    await step('complete sync event', retry).completeSyncEvent({ syncEventId });
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    const recordFailure = step('record failure', RECORD_FAILURE_RETRY);
    await recordFailure.failSyncEvent({
      syncEventId,
      error: failureMessage(error, retry.maximumAttempts ?? 0),
      fault: faultOf(error),
      automaticReplayAfterMs: input.automaticReplayAfterMs,
    });
    throw error;
  }

  return { changed };
}
