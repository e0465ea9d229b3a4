import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppContext } from './app-context';
import { createApp } from './app';
import type { Config } from './config';
import { createDb } from './db/database';
import { answerClientError } from './http/client-error';
import { startAutomaticReplay } from './sync/automatic-replay';
import { automaticReplayPolicy } from './sync/automatic-replay-policy';
import { startDispatcher } from './sync/dispatcher';
import { createTemporalClient } from './temporal-client';

export interface ApiServer {
  server: Server;
  port: number;
  context: AppContext;
  stop: () => Promise<void>;
}

/**
 * Starts the api: HTTP surface plus the outbox dispatcher and automatic
 * replay (`dispatcher: false` runs neither). Used by the
 * process entry point and by tests, which run it in-process on a free port.
 */
export async function startApiServer(
  config: Config,
  logger: Logger,
  options: { dispatcher?: boolean } = {},
): Promise<ApiServer> {
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  const temporal = createTemporalClient(config);
  const adminApiKey = config.ADMIN_API_KEY ?? randomBytes(24).toString('base64url');
  const context: AppContext = {
    config,
    db,
    logger,
    adminApiKey,
    workflows: {
      client: temporal.client,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      inFlight: new Set(),
      stepMaxAttempts: config.SYNC_STEP_MAX_ATTEMPTS,
      automaticReplay: automaticReplayPolicy(config),
    },
  };

  const dispatcher =
    options.dispatcher === false
      ? undefined
      : startDispatcher(
          db,
          context.workflows,
          { dispatchAfterMs: config.DISPATCH_AFTER_MS, intervalMs: config.DISPATCH_INTERVAL_MS },
          logger.child({ component: 'dispatcher' }),
        );
  const automaticReplay =
    options.dispatcher === false
      ? undefined
      : startAutomaticReplay(
          context,
          { intervalMs: config.DISPATCH_INTERVAL_MS },
          logger.child({ component: 'automatic-replay' }),
        );

  const server = createApp(context).listen(config.PORT, config.HOST);
  server.on('clientError', answerClientError(logger));
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.PORT;

  return {
    server,
    port,
    context,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await dispatcher?.stop();
      await automaticReplay?.stop();
      await Promise.allSettled([...context.workflows.inFlight]);
      await temporal.close();
      await db.destroy();
    },
  };
}
