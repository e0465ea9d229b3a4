import type { Db } from '../src/db/database';
import { createDeprovisionActivities } from './deprovision-activities';
import { createRoleActivities } from './role-activities';
import { createSyncEventActivities } from './sync-event-activities';

export interface ActivityDependencies {
  db: Db;
}

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities({ db }: ActivityDependencies) {
  return {
    ...createSyncEventActivities(db),
    ...createDeprovisionActivities(db),
    ...createRoleActivities(db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
