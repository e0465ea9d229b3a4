import type { Logger } from 'pino';
import type { Db } from '../db/database';
import type { SyncEventRow } from '../db/schema';
import type { WorkflowStarter } from './start-sync-workflow';
import { startSyncWorkflow } from './start-sync-workflow';

/** How long a request waits for Temporal before leaving the start to the dispatcher. */
const START_BUDGET_MS = 1000;

/**
 * Starts the workflows owed by events that have just committed. A failure is
 * not the client's problem: the write is durable and the dispatcher starts the
 * workflow later, so this only logs.
 */
export async function startAfterCommit(
  db: Db,
  starter: WorkflowStarter,
  events: SyncEventRow[],
  logger: Logger,
): Promise<void> {
  if (events.length === 0) return;

  const starts = Promise.all(events.map((event) => startSyncWorkflow(db, starter, event)));
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), START_BUDGET_MS);
  });
  try {
    const outcome = await Promise.race([starts, budget]);
    if (outcome === 'late') logger.warn('workflow start is slow; the dispatcher will ensure it');
  } catch (error) {
    logger.warn({ err: error }, 'workflow start failed; the dispatcher will retry it');
  } finally {
    clearTimeout(timer);
  }
  starts.catch(() => undefined);
}
