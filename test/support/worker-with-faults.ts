import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { RunningWorker, TestStack } from './stack';
import { startStack } from './stack';
import { workflowBundle } from './workflow-bundle';

/** Switches a test flips to make steps fail as if what they need were unreachable. */
export interface InjectedFaults {
  /** revokeSessions fails: the session store does not answer. */
  sessionStoreDown: boolean;
  /** markSyncEventRunning, the first step of every run, fails: PostgreSQL does not answer. */
  databaseDown: boolean;
}

export function noFaults(): InjectedFaults {
  return { sessionStoreDown: false, databaseDown: false };
}

/**
 * A worker for the stack's task queue running the real activities, except
 * that those `faults` names fail while their switch is on and work again once
 * it is off, as when a store comes back.
 */
export async function startWorkerWithFaults(
  stack: TestStack,
  faults: InjectedFaults,
): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: stack.config.TEMPORAL_ADDRESS });
  const real = createActivities({ db: stack.database.db });
  const running = await Worker.create({
    connection,
    taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: {
      ...real,
      async revokeSessions(input: Parameters<typeof real.revokeSessions>[0]) {
        if (faults.sessionStoreDown) {
          throw new Error('session store unreachable: connection refused');
        }

        return real.revokeSessions(input);
      },
      async markSyncEventRunning(input: Parameters<typeof real.markSyncEventRunning>[0]) {
        if (faults.databaseDown) throw new Error('database unavailable: connection refused');

        return real.markSyncEventRunning(input);
      },
    },
  });
  const run = running.run();

  return {
    async stop() {
      running.shutdown();
      await run;
      await connection.close();
    },
  };
}

/**
 * One stack for every test of the file whose worker, `stack.worker`, suffers
 * the returned switches; `stack.startWorker` starts another like it. The
 * switches are turned off after each test.
 */
export function stackWithFaultsForFile(
  env: Record<string, string>,
  use: (stack: TestStack) => void,
): InjectedFaults {
  const faults = noFaults();
  let stack: TestStack | undefined;

  beforeAll(async () => {
    const started = await startStack({ worker: false, env });
    started.startWorker = () => startWorkerWithFaults(started, faults);
    started.worker = await started.startWorker();
    stack = started;
    use(started);
  });

  afterEach(() => {
    Object.assign(faults, noFaults());
  });

  afterAll(async () => {
    await stack?.stop();
  });

  return faults;
}
