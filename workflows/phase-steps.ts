// A planned step (lib/plan/phases.ts) as the activity call it makes, with its timeout and
// retry policy.
import { ActivityCancellationType, proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { InstallActivities, PhaseActivities } from '../activities/index.js';
import type { PhaseInput, PhaseResult } from '../lib/install/phase-io.js';
import type { PlannedStep } from '../lib/plan/phases.js';

export const MAXIMUM_ATTEMPTS = 3;

// Types that say "trying again will not help"; activities also mark them non-retryable.
const NON_RETRYABLE = [
  'InvalidSpec',
  'PreflightFailed',
  'AnsiblePlaybookInvalid',
  'AnsibleBadOptions',
  'AnsibleError',
  'SecretMissing',
  'KubesprayNotFound',
  'KatonicRoleNotFound',
  'KubeconfigMissing',
  'KubeconfigInvalid',
  'KubeconfigCredentialFailed',
  'KubernetesAccessDenied',
  'StorageClassConflict',
];

function options(startToCloseTimeout: ActivityOptions['startToCloseTimeout']): ActivityOptions {
  return {
    startToCloseTimeout,
    // A worker that dies mid-run is noticed within this time, and its phase retried elsewhere.
    heartbeatTimeout: '30s',
    // The workflow waits until Ansible has really stopped before it records a cancellation.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: MAXIMUM_ATTEMPTS, nonRetryableErrorTypes: NON_RETRYABLE },
  };
}

export const { checkSpec } = proxyLocalActivities<InstallActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 3 } });

export function runStep(step: PlannedStep, input: PhaseInput): Promise<PhaseResult> {
  return proxyActivities<PhaseActivities>(options(step.timeout))[step.activity](input);
}
