// The status of an install: what the `status` query returns and `kinstall status --json`
// prints (see the product contract). Plain data, safe inside the workflow sandbox.
import type { HostCounts, TaskFailure } from '../ansible/events.js';
import type { Flow, PhaseName } from '../plan/phases.js';

export type InstallState = 'running' | 'waiting-for-operator' | 'waiting-for-approval' | 'completed' | 'failed' | 'cancelled';
export type PhaseState = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';

export interface PhaseError {
  type: string;
  message: string;
  failedHosts: string[];
  unreachableHosts: string[];
  /** Per failed task: host, task, message and the last lines of its output (bounded). */
  failures: TaskFailure[];
}

export interface PhaseStatus {
  name: PhaseName;
  state: PhaseState;
  attempts: number;
  startedAt?: string;
  endedAt?: string;
  /** The running task and host counts: filled from the activity's heartbeat by the client. */
  task?: string;
  hosts?: HostCounts;
  summary?: string;
  inputHash?: string;
  error?: PhaseError;
}

export interface OperatorAction {
  at: string;
  action: 'retry' | 'approve' | 'abort' | 'resume';
  phase?: string;
  failedHostsOnly?: boolean;
  limitHosts?: string[];
  vars?: Record<string, unknown>;
  reason?: string;
}

export interface InstallStatus {
  id: string;
  cluster: string;
  ticket?: string;
  flow: Flow;
  state: InstallState;
  phase?: PhaseName;
  phases: PhaseStatus[];
  waitingFor?: string;
  error?: PhaseError & { phase?: string };
  operatorActions: OperatorAction[];
}

export const FINAL_STATES: readonly InstallState[] = ['completed', 'failed', 'cancelled'];
