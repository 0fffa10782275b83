// A planned step (lib/plan/phases.ts) as the activity call it makes, with its timeout and
// retry policy.
import { ActivityCancellationType, proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { InstallActivities, PhaseActivities } from '../activities/index.js';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import type { PlannedStep } from '../lib/plan/phases.js';

// A spec without spec.heartbeatTimeout, and every run accepted before it existed, gets this.
const HEARTBEAT_TIMEOUT = '30s';

function options(step: PlannedStep, input: PhaseInput, ansibleQueue: string | undefined): ActivityOptions {
  // A step that runs Ansible waits for one of a worker's few Ansible slots, not behind them (worker/create-worker.ts).
  const taskQueue = step.runsAnsible ? ansibleQueue : undefined;
  return {
    ...(taskQueue ? { taskQueue } : {}),
    startToCloseTimeout: step.timeout,
    // A worker that dies mid-run is noticed within this time, and its phase retried elsewhere.
    heartbeatTimeout: input.spec.spec.heartbeatTimeout ?? HEARTBEAT_TIMEOUT,
    // The workflow waits until Ansible has really stopped before it records a cancellation.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    // Whether trying again can help is decided once, in the failure catalogue
    // (lib/install/phase-failure.ts), not in a second list here; how often is the step's.
    retry: step.retry,
  };
}

/** Waits for the cluster's entity to answer (its worker may be busy): an activity of its own, not a local one. */
export const { adoptIntoCluster } = proxyActivities<InstallActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
});

export const { checkSpec, registeredSearchAttributes, requestCancellation } = proxyLocalActivities<InstallActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 3 },
});

/**
 * The durations book (activities/durations.ts): each answers within seconds, an empty answer or
 * a dropped record at worst. Activities of their own, not local ones: a local activity holds
 * the install's workflow task while it asks the book, a workflow that a worker with no cache
 * room cannot run meanwhile.
 */
export const { expectedPhases, recordPhaseDurations } = proxyActivities<InstallActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 2 },
});

/** `ansibleQueue`: where a step that runs Ansible waits (undefined: the workflow's own queue, as runs from before patch ansible-queue). */
export function runStep(step: PlannedStep, input: PhaseInput, ansibleQueue: string | undefined): Promise<PhaseResult> {
  return proxyActivities<PhaseActivities>(options(step, input, ansibleQueue))[step.activity](input);
}
