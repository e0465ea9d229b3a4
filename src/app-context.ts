import type { Logger } from 'pino';
import type { Config } from './config';
import type { Db } from './db/database';
import type { WorkflowStarter } from './sync/start-sync-workflow';

/** What request handlers depend on; built once per process and passed down. */
export interface AppContext {
  config: Config;
  db: Db;
  workflows: WorkflowStarter;
  logger: Logger;
  /** Required on every /admin/v1 request. */
  adminApiKey: string;
}
