import type { Db } from './db.js';
import { createEventsRepo } from './events-repo.js';
import { createJobsRepo } from './jobs-repo.js';
import { createWorkspacesRepo } from './workspaces-repo.js';

/** All repositories over one connection. SQL lives in these modules and nowhere else. */
export function createStore(db: Db) {
  return {
    db,
    workspaces: createWorkspacesRepo(db),
    jobs: createJobsRepo(db),
    events: createEventsRepo(db),
  };
}

export type Store = ReturnType<typeof createStore>;
