import { ContinueAsNew, continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export interface ReevaluateRolesInput {
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

function step(summary: string) {
  return proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    summary,
    retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
  });
}

/**
 * Recomputes roles from the current directory state: for the listed users,
 * or page by page through the whole tenant. Every change is audited by the
 * activity that makes it.
 */
export async function reevaluateRoles(input: ReevaluateRolesInput): Promise<{ changed: number }> {
  const { tenantId, syncEventId, reason } = input;
  if (input.afterUserId === undefined) await step('mark sync event running').markSyncEventRunning({ syncEventId });

  let changed = input.changedSoFar ?? 0;
  try {
    if (input.userIds !== null) {
      const result = await step(`re-evaluate ${input.userIds.length} users`).reevaluateUsers({
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
        const result = await step(`re-evaluate users after ${after ?? 'the first'}`).reevaluateUserPage({
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
    await step('complete sync event').completeSyncEvent({ syncEventId });
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    const message = error instanceof Error ? error.message : String(error);
    await step('record failure').failSyncEvent({ syncEventId, error: message });
    throw error;
  }

  return { changed };
}
