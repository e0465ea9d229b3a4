import { startApiServer } from './api-server';
import { loadConfig } from './config';
import { createLogger } from './logger';

/** Entry point of the api process. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'api');
  if (config.ADMIN_API_KEY === undefined) {
    throw new Error('ADMIN_API_KEY is not set; `npm start` generates one for development.');
  }

  const api = await startApiServer(config, logger);
  logger.info({ host: config.HOST, port: api.port }, 'api listening');

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'api stopping');
    api.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
