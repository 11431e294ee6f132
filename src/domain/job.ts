/** A unit of scheduled work: a kind, what it is about, and when it is due. */

export interface Job {
  id: number;
  teamId: string;
  kind: string;
  subjectId: string;
  runAt: Date;
  attempts: number;
}

export interface JobRecord extends Job {
  state: 'pending' | 'running' | 'done' | 'failed' | 'cancelled';
  lastError: string | null;
  finishedAt: Date | null;
}

/** Every kind of scheduled job; the scheduler maps each to the use case that runs it. */
export const JOB_KINDS = {
  pulseOpen: 'pulse.open',
  pulseRemind: 'pulse.remind',
  pulseClose: 'pulse.close',
  signalsDaily: 'signals.daily',
  digestPost: 'digest.post',
  retentionDaily: 'retention.daily',
  /** An uninstalled workspace's grace period is over: everything it has is deleted. */
  workspacePurge: 'workspace.purge',
} as const;
