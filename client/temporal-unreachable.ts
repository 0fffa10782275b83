// Whether a client call failed because the Temporal server could not be reached or did not
// answer in time (an outage, a restart: asking again later may work), as opposed to a bug or a
// refusal. The client wraps gRPC's error (ServiceError's cause), so the whole chain is read.
import { isGrpcServiceError } from '@temporalio/client';

// gRPC's status codes (fixed by the gRPC protocol).
const DEADLINE_EXCEEDED = 4;
const UNAVAILABLE = 14;

export function temporalUnreachable(err: unknown): boolean {
  for (let cause = err; cause instanceof Error; cause = cause.cause) {
    if (isGrpcServiceError(cause) && (cause.code === UNAVAILABLE || cause.code === DEADLINE_EXCEEDED)) return true;
  }
  return false;
}
