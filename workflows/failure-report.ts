// A phase's failure as the status keeps it: what the activity said (its type, message, hosts,
// failed tasks and the details its type carries), how many attempts it used, and the admin.conf
// a failed kubespray run hands on.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { SealedValue } from '../lib/codec/sealed-value.js';
import type { PhaseFailureReport } from '../lib/install/install-run.js';
import type { PhaseError } from '../lib/install/status.js';

/** The keys of a failure's details that the status has fields for; every other key is the type's own details. */
interface KnownDetails extends Partial<Pick<PhaseError, 'failedHosts' | 'unreachableHosts' | 'failures'>> {
  attempt?: number;
  adminConf?: SealedValue;
}

/** `maximumAttempts`: the failed step's retry policy, for a failure that used them all without saying its attempt (a timeout, a dead worker). */
export function failureReport(err: unknown, maximumAttempts: number): PhaseFailureReport {
  const failure = err instanceof ActivityFailure ? err.cause : err;
  const app = failure instanceof ApplicationFailure ? failure : undefined;
  const raw = app?.details?.[0];
  const object = Array.isArray(raw) ? { errors: raw } : raw && typeof raw === 'object' ? raw : {};
  const { attempt, adminConf, failedHosts, unreachableHosts, failures, ...own } = object as KnownDetails & Record<string, unknown>;
  const exhausted = err instanceof ActivityFailure && err.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED;
  return {
    error: {
      type: app?.type ?? failure?.constructor?.name ?? 'Error',
      message: (failure as Error | undefined)?.message ?? String(err),
      failedHosts: failedHosts ?? [],
      unreachableHosts: unreachableHosts ?? [],
      failures: failures ?? [],
      ...(Object.keys(own).length ? { details: own } : {}),
    },
    attempts: attempt ?? (exhausted ? maximumAttempts : 1),
    adminConf,
  };
}
