import { createAdmissionsRepo } from './admissions-repo.js';
import { createAgreementsRepo } from './agreements-repo.js';
import { createAlliancesRepo } from './alliances-repo.js';
import type { Db } from './db.js';
import { createGroupCommit, truncateWal, writeTransaction } from './db.js';
import { createDeliveriesRepo } from './deliveries-repo.js';
import { createDesignRepo } from './design-repo.js';
import { createDigestsRepo } from './digests-repo.js';
import { createDmChannelsRepo } from './dm-channels-repo.js';
import { createEventsRepo } from './events-repo.js';
import { createFlagsRepo } from './flags-repo.js';
import { createHomeViewsRepo } from './home-views-repo.js';
import { createInstallationsRepo } from './installations-repo.js';
import { createJobsRepo } from './jobs-repo.js';
import { createPeopleRepo } from './people-repo.js';
import { createPrivacyChangesRepo } from './privacy-changes-repo.js';
import { createPulsesRepo } from './pulses-repo.js';
import { createTenancyRepo } from './tenancy-repo.js';
import { createWorkspacesRepo } from './workspaces-repo.js';

/** All repositories over one connection. SQL lives in these modules and nowhere else. */
export function createStore(db: Db) {
  const groupCommit = createGroupCommit(db);
  return {
    db,
    /** Runs `work` atomically (BEGIN IMMEDIATE); does not nest. */
    transaction: <T>(work: () => T): T => writeTransaction(db, work),
    /**
     * Runs `work` atomically, in one transaction with the other work queued in this turn of the event
     * loop (see createGroupCommit); resolves once that transaction has committed.
     */
    groupCommit: <T>(work: () => T): Promise<T> => groupCommit.run(work),
    /** Folds the WAL into the database and empties it (after an anonymous pulse closes). */
    truncateWal: (): void => truncateWal(db),
    workspaces: createWorkspacesRepo(db),
    jobs: createJobsRepo(db),
    events: createEventsRepo(db),
    alliances: createAlliancesRepo(db),
    design: createDesignRepo(db),
    agreements: createAgreementsRepo(db),
    deliveries: createDeliveriesRepo(db),
    dmChannels: createDmChannelsRepo(db),
    pulses: createPulsesRepo(db),
    flags: createFlagsRepo(db),
    digests: createDigestsRepo(db),
    admissions: createAdmissionsRepo(db),
    privacyChanges: createPrivacyChangesRepo(db),
    homeViews: createHomeViewsRepo(db),
    people: createPeopleRepo(db),
    installations: createInstallationsRepo(db),
    tenancy: createTenancyRepo(db),
  };
}

export type Store = ReturnType<typeof createStore>;
