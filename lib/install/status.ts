// The status of an install: what the `status` query returns and `kinstall status --json`
// prints (see the product contract). Plain data, safe inside the workflow sandbox.
import type { HostCounts, TaskFailure } from '../ansible/events.js';
import type { Eta, Remaining } from '../eta/eta.js';
import type { Actor } from './actor.js';
import type { Handoffs } from './phase-io.js';
import type { Flow } from '../plan/phases.js';

export const INSTALL_STATES = ['running', 'waiting-for-operator', 'waiting-for-approval', 'completed', 'failed', 'cancelled'] as const;
export type InstallState = (typeof INSTALL_STATES)[number];
export type PhaseState = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'skipped';

export interface PhaseError {
  type: string;
  message: string;
  failedHosts: string[];
  unreachableHosts: string[];
  /** Per failed task: host, task, message and the last lines of its output (bounded). */
  failures: TaskFailure[];
  /** What the failure's type carries beyond hosts and tasks (a preflight report, storage class conflicts, verify's problems). */
  details?: Record<string, unknown>;
}

/** One run of a phase: the first, then one per operator retry. */
export interface PhaseRun {
  startedAt: string;
  endedAt?: string;
  durationSeconds?: number;
  /** How it ended; absent while it runs. */
  outcome?: 'completed' | 'failed' | 'cancelled';
  /** The activity attempts it used (its retry policy's tries). */
  attempts?: number;
  /** `retry --failed-hosts`: the hosts it was limited to. */
  limitHosts?: string[];
  /** Who asked for this run (the operator's retry); absent for the first run. */
  by?: Actor;
}

export interface PhaseStatus {
  /** An install's phases are named after its flow's plan; a day-2 operation's also per node and hop (upgrade-worker-1@1.34.2). */
  name: string;
  state: PhaseState;
  attempts: number;
  /** When the phase first started (a retry keeps it). */
  startedAt?: string;
  /** When its last run ended. */
  endedAt?: string;
  /** Each run of the phase, oldest first. */
  runs?: PhaseRun[];
  /** The running task and host counts: filled from the activity's heartbeat by the client. */
  task?: string;
  hosts?: HostCounts;
  /** The running phase's tasks started and known (from its playbook's task list), from the heartbeat like `task`. */
  tasksDone?: number;
  tasksKnown?: number;
  /** A phase not yet ended: how long it is expected to take in all, from the recorded runs of this phase. */
  expected?: Remaining;
  /** The running phase: how long it still takes, re-estimated from its heartbeat as its tasks end. */
  remaining?: Remaining;
  summary?: string;
  inputHash?: string;
  error?: PhaseError;
}

export interface OperatorAction {
  at: string;
  action: 'retry' | 'approve' | 'abort' | 'resume';
  /** Who asked (absent for requests from clients that did not say, and for the workflow's own decisions). */
  by?: Actor;
  phase?: string;
  failedHostsOnly?: boolean;
  limitHosts?: string[];
  vars?: Record<string, unknown>;
  reason?: string;
}

export interface InstallStatus {
  id: string;
  /** When the install (this run of the workflow) started and ended, and how long it took. */
  startedAt?: string;
  endedAt?: string;
  durationSeconds?: number;
  /**
   * 'worker': the workflow answered the status query (live). 'server': no worker answered, so
   * this is what the server keeps (the result, or the status the workflow last published in its
   * memo); live progress (current task, host counts) is unavailable.
   */
  source?: 'worker' | 'server';
  cluster: string;
  ticket?: string;
  flow: Flow;
  /** A day-2 operation run by the cluster's entity (workflows/cluster.ts), as its command says it; absent for an install. */
  operation?: string;
  state: InstallState;
  phase?: string;
  phases: PhaseStatus[];
  waitingFor?: string;
  error?: PhaseError & { phase?: string };
  operatorActions: OperatorAction[];
  /** Who started the install, where the client said (the CLI, a ticket); a Web UI start does not. */
  startedBy?: Actor;
  /** The spec's approval gates: who may approve, and what became of each. */
  gates?: GateStatus[];
  /** What phases hand on to later ones (and to a resumed run): no phase reads another's files. */
  handoffs?: Handoffs;
  /** When the install is expected to end: absent once it has ended, and while it waits for someone. */
  eta?: Eta;
  /** Things worth knowing that did not stop the install (a ticket comment that could not be posted). */
  notes?: InstallNote[];
}

export interface GateStatus {
  gate: string;
  /** Who may approve; absent: anyone but the install's starter. */
  approvers?: string[];
  state: 'pending' | 'waiting' | 'approved' | 'timed-out';
  approvedBy?: Actor;
  at?: string;
}

export interface InstallNote {
  at: string;
  message: string;
}

export const FINAL_STATES: readonly InstallState[] = ['completed', 'failed', 'cancelled'];

/** Whole seconds from one ISO time to another. */
export const secondsBetween = (from: string | undefined, to: string): number | undefined =>
  from ? Math.round((Date.parse(to) - Date.parse(from)) / 1000) : undefined;
