import { loadConfig } from './config';
import { createLogger } from './logger';
import { createWorker } from './worker-runtime';

/** Entry point of the worker process. Ctrl-C drains running activities, then exits. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'worker');
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
