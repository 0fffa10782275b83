// A planned step (lib/plan/phases.ts) as the activity call it makes, with its timeout and
// retry policy.
import { ActivityCancellationType, proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { InstallActivities, PhaseActivities } from '../activities/index.js';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import type { PlannedStep } from '../lib/plan/phases.js';

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

export const { checkSpec, registeredSearchAttributes, requestCancellation } = proxyLocalActivities<InstallActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 3 },
});

export function runStep(step: PlannedStep, input: PhaseInput): Promise<PhaseResult> {
  return proxyActivities<PhaseActivities>(options(step.timeout))[step.activity](input);
}
