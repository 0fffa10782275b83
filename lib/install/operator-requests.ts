// What an operator can ask of a running install, and what the workflow answers: the requests
// travel as Temporal Updates (the workflow's validator decides, so a refusal comes back with its
// reason), and as signals from older clients (applied when valid, else dropped).
import type { Actor } from './actor.js';

export interface RetryRequest {
  /** Like AWX's "relaunch on failed hosts": `--limit` to the hosts that failed or were unreachable. */
  failedHostsOnly?: boolean;
  /** Extra vars changed by the operator for the retried phase (recorded in the status). */
  vars?: Record<string, unknown>;
  by?: Actor;
}

export interface RetryAccepted {
  phase: string;
  limitHosts?: string[];
}

export interface ApproveRequest {
  /** The gate the approver means (refused when the install waits at another). */
  gate?: string;
  by?: Actor;
}

export interface ApproveAnswer {
  gate: string;
  approvedBy?: Actor;
  at: string;
  /** The gate had been approved before (a repeated request): nothing changed. */
  alreadyApproved?: boolean;
}

export interface CancelRequest {
  reason?: string;
  by?: Actor;
}

export interface CancelAnswer {
  /** The phase that was running or waiting when the cancellation was asked. */
  phase?: string;
  /** It had been asked before (a repeated request): nothing changed. */
  alreadyRequested?: boolean;
}

/** A request the workflow refuses, and whether the request itself is malformed (invalid) or the install is not in a state for it (conflict). */
export const REFUSAL_TYPES = { conflict: 'InstallRequestRefused', invalid: 'InstallRequestInvalid' } as const;
