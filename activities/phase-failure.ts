// How an activity fails: through the catalogue (lib/install/phase-failure.ts), which says
// whether the failure is retried, with the activity's attempt always in `details[0].attempt`.
import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { isPhaseFailureType, phaseFailureOf, type CommonDetails, type DetailsOf, type PhaseFailureType } from '../lib/install/phase-failure.js';

/** The attempt of the activity running now; none outside an activity (a CLI preview, a unit test). */
const currentAttempt = (): number | undefined => asyncLocalStorage.getStore()?.info.attempt;

/** The failure to throw: `throw phaseFailure('VerifyFailed', message, { problems, settleSeconds })`. */
export function phaseFailure<T extends PhaseFailureType>(type: T, message: string, details: DetailsOf<T>): ApplicationFailure {
  const attempt = currentAttempt();
  return phaseFailureOf(type, message, attempt === undefined ? details : { ...details, attempt });
}

/** `err` with more common details (kubespray's admin.conf), the same type and message; anything that is not a phase failure unchanged. */
export function withDetails(err: unknown, more: CommonDetails): unknown {
  if (!(err instanceof ApplicationFailure) || !isPhaseFailureType(err.type)) return err;
  return phaseFailure(err.type, err.message, { ...(err.details?.[0] as DetailsOf<typeof err.type>), ...more });
}
