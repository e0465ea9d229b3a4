import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { SyncEventRow } from '../db/schema';
import { ScimError } from '../scim/errors';

const DESCRIBE_DEADLINE_MS = 5000;
/**
 * A workflow records `failed` on its event as its last step and closes right
 * after; a replay asked in between waits this long for the close.
 */
const FAILED_RUN_SETTLE_MS = 3000;
const SETTLE_POLL_MS = 100;

async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    const description = await client.connection.withDeadline(
      Date.now() + DESCRIBE_DEADLINE_MS,
      () => client.workflow.getHandle(workflowId).describe(),
    );

    return description.status.name === 'RUNNING';
  } catch (error) {
    // Started once, now unknown to Temporal (past retention): nothing is running it.
    if (error instanceof WorkflowNotFoundError) return false;

    throw new ScimError(
      503,
      undefined,
      'Temporal is unreachable, so whether this sync event is still running cannot be checked; retry the replay shortly.',
      { 'Retry-After': '5' },
    );
  }
}

/**
 * Whether a run of the event's current workflow may still be doing work.
 * Temporal, not the row, is the truth here: a row left `running` by a
 * workflow an operator terminated is over, and a `failed` row whose workflow
 * an operator reset is not. Throws 503 when Temporal cannot say, because
 * replaying blind could run the event twice at once.
 */
export async function workflowMayBeLive(client: Client, event: SyncEventRow): Promise<boolean> {
  // Committed but never started: the dispatcher owes the start.
  if (event.state === 'pending' && event.dispatched_at === null) return true;

  const settleBy = Date.now() + (event.state === 'failed' ? FAILED_RUN_SETTLE_MS : 0);
  for (;;) {
    if (!(await isRunning(client, event.workflow_id))) return false;
    if (Date.now() >= settleBy) return true;
    await sleep(SETTLE_POLL_MS);
  }
}
