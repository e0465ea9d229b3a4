import { Runtime } from '@temporalio/worker';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { createWorker } from './worker-runtime';

/** Entry point of the worker process. Ctrl-C drains running activities, then exits. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  if (config.WORKER_METRICS_ADDRESS !== '') {
    // Must run before any connection or worker exists: the runtime is process-wide.
    Runtime.install({
      telemetryOptions: { metrics: { prometheus: { bindAddress: config.WORKER_METRICS_ADDRESS } } },
    });
  }
  const { worker, close } = await createWorker(config);
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker polling');

  await worker.run();
  await close();
  logger.info('worker stopped');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
