import { NativeConnection, Worker } from '@temporalio/worker';
import type { WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from './config';
import { createDb } from './db/database';

/**
 * Builds a worker for the directory-sync task queue. Tests pass a
 * pre-built workflow bundle so that each file bundles once.
 */
export async function createWorker(
  config: Config,
  options: { workflowBundle?: WorkflowBundleOption; identity?: string } = {},
) {
  const db = createDb(config.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const workflowSource =
    options.workflowBundle === undefined
      ? { workflowsPath: require.resolve('../workflows') }
      : { workflowBundle: options.workflowBundle };
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities({ db }),
    // Running activities get this long to finish on shutdown instead of being cancelled at once.
    shutdownGraceTime: '10 seconds',
    ...(options.identity === undefined ? {} : { identity: options.identity }),
    ...workflowSource,
  });

  return {
    worker,
    async close() {
      await connection.close();
      await db.destroy();
    },
  };
}
