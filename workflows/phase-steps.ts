// Each phase as the activities it runs, with its own timeouts and retry policy.
import { ActivityCancellationType, proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { InstallActivities } from '../activities/index.js';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import type { PhaseName } from '../lib/plan/phases.js';

export const MAXIMUM_ATTEMPTS = 3;

function options(startToCloseTimeout: ActivityOptions['startToCloseTimeout']): ActivityOptions {
  return {
    startToCloseTimeout,
    // A worker that dies mid-run is noticed within this time, and its phase retried elsewhere.
    heartbeatTimeout: '30s',
    // The workflow waits until Ansible has really stopped before it records a cancellation.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    // Whether trying again can help is decided once, where the failure is made (the activity
    // marks it non-retryable), not in a second list here.
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: MAXIMUM_ATTEMPTS },
  };
}

const quick = proxyActivities<InstallActivities>(options('10m'));
const long = proxyActivities<InstallActivities>(options('4h'));
export const { checkSpec } = proxyLocalActivities<InstallActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 3 } });

type Step = (input: PhaseInput) => Promise<PhaseResult>;

export const PHASE_STEPS: Record<PhaseName, Step[]> = {
  preflight: [quick.preflight],
  inventory: [quick.writeInventory],
  kubespray: [long.runKubespray],
  storage: [quick.prepareStorageNodes, quick.applyStorageClasses],
  'storage-classes': [quick.applyStorageClasses],
  katonic: [long.runKatonicRole],
  // long: verify waits through the cluster's settle window (spec.verify.settleTimeout).
  verify: [long.verifyCluster],
};

/** Phases where `retry --failed-hosts` is refused, and why. */
export const NO_PARTIAL_RETRY: Partial<Record<PhaseName, string>> = {
  inventory: 'the inventory phase writes files on the controller; it has no hosts to limit',
  'storage-classes': 'storage classes are cluster objects, not per host',
  katonic: 'the Katonic role runs once against the cluster API from the controller',
  verify: 'verify reads the whole cluster through its API',
};
