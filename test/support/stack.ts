import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { Logger } from 'pino';
import type { ApiServer } from '../../src/api-server';
import { startApiServer } from '../../src/api-server';
import type { Config } from '../../src/config';
import { loadConfig } from '../../src/config';
import { createWorker } from '../../src/worker-runtime';
import { serverSettings } from './settings';
import type { TestDatabase } from './test-database';
import { createTestDatabase } from './test-database';
import { workflowBundle } from './workflow-bundle';

export interface RunningWorker {
  stop: () => Promise<void>;
}

export interface TestStack {
  config: Config;
  database: TestDatabase;
  api: ApiServer;
  baseUrl: string;
  adminApiKey: string;
  startWorker: () => Promise<RunningWorker>;
  /** The worker started with the stack, if any. */
  worker: RunningWorker | undefined;
  stop: () => Promise<void>;
}

/**
 * The real service in-process: its own database, an api on a free port and
 * (unless told otherwise) a worker, on a task queue of its own so that test
 * files sharing the Temporal server never run each other's workflows.
 */
export async function startStack(
  options: {
    worker?: boolean;
    dispatcher?: boolean;
    env?: Record<string, string>;
    /** Where the api and worker reach PostgreSQL, given the database's own URL (a fault proxy). */
    databaseUrl?: (url: string) => string;
    /** Receives the api's log lines; silent by default. */
    logger?: Logger;
  } = {},
): Promise<TestStack> {
  const database = await createTestDatabase();
  const settings = serverSettings();
  const adminApiKey = randomBytes(24).toString('base64url');
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl?.(database.url) ?? database.url,
    PORT: '0',
    ADMIN_API_KEY: adminApiKey,
    TEMPORAL_ADDRESS: settings.temporalAddress,
    TEMPORAL_NAMESPACE: settings.temporalNamespace,
    TEMPORAL_TASK_QUEUE: `directory-sync-test-${randomBytes(6).toString('hex')}`,
    DISPATCH_AFTER_MS: '500',
    DISPATCH_INTERVAL_MS: '250',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const api = await startApiServer(config, options.logger ?? pino({ level: 'silent' }), {
    dispatcher: options.dispatcher,
  });

  const startWorker = async (): Promise<RunningWorker> => {
    const { worker, close } = await createWorker(config, { workflowBundle: await workflowBundle() });
    const running = worker.run();

    return {
      async stop() {
        worker.shutdown();
        await running;
        await close();
      },
    };
  };
  const worker = options.worker === false ? undefined : await startWorker();

  const stack: TestStack = {
    config,
    database,
    api,
    baseUrl: `http://127.0.0.1:${api.port}`,
    adminApiKey,
    startWorker,
    worker,
    async stop() {
      await stack.worker?.stop();
      await api.stop();
      await database.drop();
    },
  };

  return stack;
}
