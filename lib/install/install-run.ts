// One run of the install workflow as a state machine: its status and every change to it, and
// the rules that decide whether an operator's request applies (the Updates' validators). Pure:
// the workflow owns the clock and the effects (it passes `now` and hears each change through
// `changed`), so every transition is tested without a server.
import { ApplicationFailure } from '@temporalio/common';
import type { SealedValue } from '../codec/sealed-value.js';
import { phaseKey, type PhaseHistory, type PhaseRecord } from '../eta/duration-book.js';
import { installEta } from '../eta/install-remaining.js';
import { failedHostsRefusal, hostsToRetry } from '../plan/failed-hosts.js';
import { planOf, type Flow, type PlannedPhase } from '../plan/phases.js';
import { formatPath } from '../spec/format-path.js';
import { varsIssues } from '../vars/vars-issues.js';
import { describeActor, isNamedIn, samePerson, type Actor } from './actor.js';
import {
  REFUSAL_TYPES,
  type ApproveAnswer,
  type ApproveRequest,
  type CancelAnswer,
  type CancelRequest,
  type RetryAccepted,
  type RetryRequest,
} from './operator-requests.js';
import type { Handoffs, PhaseResult } from './phase-io.js';
import {
  FINAL_STATES,
  secondsBetween,
  type GateStatus,
  type InstallState,
  type InstallStatus,
  type OperatorAction,
  type PhaseError,
  type PhaseRun,
  type PhaseStatus,
} from './status.js';

/** What the workflow hears of a change: to tell the server (search attributes, memo, UI details) and to record metrics. */
export type RunChange =
  | { kind: 'accepted' }
  | { kind: 'state'; state: InstallState }
  | { kind: 'phase'; phase: string }
  | { kind: 'run-started'; phase: string }
  | { kind: 'phase-ended'; phase: string; outcome: 'completed' | 'failed' | 'cancelled'; seconds: number }
  | { kind: 'waited'; reason: 'approval' | 'failed-phase'; seconds: number };

export interface RunStart {
  id: string;
  startedAt: string;
  /** From the spec before it is checked: enough to name the install in its status. */
  cluster: string;
  flow: Flow;
  ticket?: string;
  startedBy?: Actor;
  /** A day-2 operation's phases (lib/plan/operation-plans.ts) and its command; an install runs its flow's plan. */
  operation?: { plan: readonly PlannedPhase[]; description: string; kind: string };
}

/** The checked spec, as far as the run needs it. */
export interface AcceptedSpec {
  name: string;
  gates: { gate: string; approvers?: string[] }[];
  inputHashes: Partial<Record<string, string>>;
}

/** A run being resumed: its phases (with their input hashes) and what they handed on. */
export interface EarlierRun {
  runId: string;
  phases: PhaseStatus[];
  handoffs?: Handoffs;
  /** How clients before published hand-offs passed admin.conf (runs they resumed replay with it). */
  adminConf?: SealedValue;
}

/** A phase's failure as the workflow read it from the activity. */
export interface PhaseFailureReport {
  error: PhaseError;
  attempts: number;
  /** A failed kubespray run hands admin.conf on too (it may have written it before failing). */
  adminConf?: SealedValue;
}

const refuse = (message: string, kind: keyof typeof REFUSAL_TYPES = 'conflict') =>
  ApplicationFailure.create({ type: REFUSAL_TYPES[kind], message, nonRetryable: true });

export class InstallRun {
  readonly status: InstallStatus;
  private retry?: RetryRequest;
  private earlier = new Map<string, PhaseStatus>();
  private readonly plan: readonly PlannedPhase[];
  private requiredHandoffs: (keyof Handoffs)[] = [];
  private waitingSince?: string;
  private readonly operationKind?: string;

  constructor(
    start: RunStart,
    private readonly now: () => string,
    private readonly changed: (change: RunChange) => void = () => undefined,
  ) {
    this.plan = start.operation?.plan ?? planOf(start.flow);
    this.operationKind = start.operation?.kind;
    this.status = {
      id: start.id,
      startedAt: start.startedAt,
      cluster: start.cluster,
      ticket: start.ticket,
      flow: start.flow,
      ...(start.operation ? { operation: start.operation.description } : {}),
      state: 'running',
      phases: this.plan.map((phase) => ({ name: phase.name, state: 'pending', attempts: 0 })),
      operatorActions: [],
      ...(start.startedBy ? { startedBy: start.startedBy } : {}),
    };
  }

  get id(): string {
    return this.status.id;
  }

  get flow(): Flow {
    return this.status.flow;
  }

  /** How the phase runs: its steps, what it acts on, its retry and resume rules. */
  planOf(phase: string): PlannedPhase | undefined {
    return this.plan.find((p) => p.name === phase);
  }

  // --- the run's course -------------------------------------------------------------------

  /** The spec passed the check: the install is running. */
  accept(spec: AcceptedSpec): void {
    this.status.cluster = spec.name;
    this.status.gates = spec.gates.map(({ gate, approvers }) => ({ gate, ...(approvers ? { approvers } : {}), state: 'pending' }));
    if (!this.status.gates.length) delete this.status.gates;
    for (const phase of this.status.phases) phase.inputHash = spec.inputHashes[phase.name];
    this.changed({ kind: 'accepted' });
    this.setState('running');
  }

  /** What each phase is expected to take, from the durations book; the ETA follows from it. */
  expect(history: PhaseHistory[]): void {
    const byKey = new Map(history.map((h) => [h.key, h]));
    for (const phase of this.status.phases) {
      const h = byKey.get(this.durationKey(phase.name));
      if (!h) continue;
      phase.expected = { p50Seconds: h.p50, p90Seconds: h.p90, runs: h.samples };
    }
    this.estimate();
  }

  /** Under what the book keeps a phase's durations: an operation's apart from an install's (a scale's preflight is not an install's). */
  durationKey(phase: string): string {
    return phaseKey(this.operationKind ? `${this.flow} ${this.operationKind}` : this.flow, phase);
  }

  /** What the phases that completed in this run took (their last run), under their keys in the durations book. */
  phaseDurations(): PhaseRecord[] {
    return this.status.phases.flatMap((phase) => {
      const last = phase.runs?.at(-1);
      return phase.state === 'completed' && last?.endedAt
        ? [{ key: this.durationKey(phase.name), seconds: (Date.parse(last.endedAt) - Date.parse(last.startedAt)) / 1000 }]
        : [];
    });
  }

  /**
   * `kinstall resume`: the phases that finished before are skipped where their inputs did not
   * change and (`required`) the hand-offs they make were kept. Runs resumed before hand-offs were
   * required skip without looking (`[]`), as they did then.
   */
  resumeFrom(earlier: EarlierRun, required: (keyof Handoffs)[]): void {
    this.earlier = new Map(earlier.phases.map((p) => [p.name, p]));
    this.requiredHandoffs = required;
    this.handOn({ adminConf: earlier.adminConf, ...earlier.handoffs });
    this.record({ action: 'resume', reason: `resumed from run ${earlier.runId}` });
  }

  /**
   * Whether the phase finished in the run being resumed, with the same inputs, and the plan
   * lets it be skipped: then it is marked skipped. A phase that hands something on is run again
   * when the earlier run kept no hand-off (runs from before hand-offs were published).
   */
  skipIfFinishedBefore(phase: PhaseStatus): boolean {
    const before = this.earlier.get(phase.name);
    const plan = this.planOf(phase.name);
    const finished = before && (before.state === 'completed' || before.state === 'skipped') && before.inputHash === phase.inputHash;
    const handoffKept = !plan?.handsOn || !this.requiredHandoffs.includes(plan.handsOn) || this.status.handoffs?.[plan.handsOn] !== undefined;
    if (!finished || plan?.onResume !== 'skip-if-unchanged' || !handoffKept) return false;
    Object.assign(phase, { state: 'skipped', attempts: before.attempts, summary: 'completed in an earlier run (inputs unchanged)' });
    return true;
  }

  enterPhase(phase: PhaseStatus): void {
    this.status.phase = phase.name;
    this.estimate();
    this.changed({ kind: 'phase', phase: phase.name });
  }

  /** A new run of the phase: the first, or the one an accepted retry asked for. */
  startRun(phase: PhaseStatus): { run: PhaseRun; limitHosts?: string[]; operatorVars?: Record<string, unknown> } {
    const request = this.retry ?? {};
    this.retry = undefined;
    const limitHosts = request.failedHostsOnly ? hostsToRetry(phase.error) : undefined;
    const run: PhaseRun = { startedAt: this.now(), ...(limitHosts ? { limitHosts } : {}), ...(request.by ? { by: request.by } : {}) };
    phase.runs = [...(phase.runs ?? []), run];
    Object.assign(phase, { state: 'running', startedAt: phase.startedAt ?? run.startedAt, endedAt: undefined, error: undefined, summary: undefined });
    this.estimate();
    this.changed({ kind: 'run-started', phase: phase.name });
    return { run, limitHosts, operatorVars: request.vars };
  }

  /** What a phase hands on (its result, or a failed kubespray run's admin.conf): kept for the phases after it. */
  handOn(handoffs: Handoffs): void {
    const given = Object.entries(handoffs).filter(([, value]) => value !== undefined);
    if (given.length) this.status.handoffs = { ...this.status.handoffs, ...Object.fromEntries(given) };
  }

  get handoffs(): Handoffs {
    return this.status.handoffs ?? {};
  }

  completeRun(phase: PhaseStatus, run: PhaseRun, result: PhaseResult | undefined, attempts: number): void {
    Object.assign(phase, { state: 'completed', endedAt: this.now(), attempts: phase.attempts + attempts, summary: result?.summary, hosts: result?.hosts });
    this.endRun(phase, run, 'completed', attempts);
  }

  /** The phase failed for good (its automatic retries used up, or not worth retrying): the install waits for an operator. */
  failRun(phase: PhaseStatus, run: PhaseRun, failure: PhaseFailureReport): void {
    this.handOn({ adminConf: failure.adminConf });
    Object.assign(phase, { state: 'failed', endedAt: this.now(), attempts: phase.attempts + failure.attempts, error: failure.error });
    this.endRun(phase, run, 'failed', failure.attempts);
    this.status.error = { phase: phase.name, ...failure.error };
    const failedHosts = failedHostsRefusal(this.planOf(phase.name), phase.name, phase.error) ? '' : ' [--failed-hosts]';
    this.waitingSince = this.now();
    this.setState(
      'waiting-for-operator',
      `an operator: the ${phase.name} phase failed (${failure.error.type}); kinstall retry ${this.id}${failedHosts} [--vars FILE], or kinstall cancel ${this.id}`,
    );
  }

  cancelRun(phase: PhaseStatus, run: PhaseRun): void {
    Object.assign(phase, { state: 'cancelled', endedAt: this.now(), summary: 'cancelled' });
    this.endRun(phase, run, 'cancelled');
  }

  /** An accepted retry is waiting to be taken by the phase. */
  get retryAccepted(): boolean {
    return this.retry !== undefined;
  }

  /** The operator answered: the phase runs again. */
  resumeAfterRetry(): void {
    this.changed({ kind: 'waited', reason: 'failed-phase', seconds: this.secondsWaited() });
    this.status.error = undefined;
    this.setState('running');
  }

  end(state: 'completed' | 'failed' | 'cancelled', error?: PhaseError): void {
    if (error) this.status.error = { phase: this.status.phase, ...error };
    if (state === 'cancelled' && !this.status.operatorActions.some((a) => a.action === 'abort'))
      this.record({ action: 'abort', phase: this.status.phase, reason: 'cancellation requested through Temporal (Web UI or API)' });
    this.setState(state);
  }

  /** Something worth knowing that did not stop the install. */
  note(message: string): void {
    this.status.notes = [...(this.status.notes ?? []), { at: this.now(), message }];
  }

  // --- approval gates ----------------------------------------------------------------------

  gateBefore(phase: string): GateStatus | undefined {
    return this.status.gates?.find((g) => g.gate === `before-${phase}`);
  }

  awaitApproval(gate: GateStatus): void {
    gate.state = 'waiting';
    this.waitingSince = this.now();
    this.setState('waiting-for-approval', gate.gate);
  }

  /** Passed (approved) or closed (timed out): the wait is over either way. */
  approvalWaitEnded(): void {
    this.changed({ kind: 'waited', reason: 'approval', seconds: this.secondsWaited() });
  }

  gatePassed(): void {
    this.setState('running');
  }

  /** The gate's time ran out: from now on an approve is refused, and the install is cancelled. */
  gateTimedOut(gate: GateStatus, timeout: string): OperatorAction {
    Object.assign(gate, { state: 'timed-out', at: this.now() });
    return this.record({ action: 'abort', phase: this.status.phase, reason: `approval ${gate.gate} timed out after ${timeout}` });
  }

  validateApprove(request: ApproveRequest): void {
    this.approval(request);
  }

  approve(request: ApproveRequest): ApproveAnswer {
    const { gate, repeated } = this.approval(request);
    if (repeated) return { gate: gate.gate, approvedBy: gate.approvedBy, at: gate.at ?? '', alreadyApproved: true };
    Object.assign(gate, { state: 'approved', at: this.now(), ...(request.by ? { approvedBy: request.by } : {}) });
    this.record({ action: 'approve', phase: this.status.phase, ...(request.by ? { by: request.by } : {}) });
    return { gate: gate.gate, approvedBy: request.by, at: gate.at! };
  }

  /** The gate an approve applies to, or why it is refused; `repeated`: that gate was approved already. */
  private approval(request: ApproveRequest): { gate: GateStatus; repeated: boolean } {
    const gates = this.status.gates ?? [];
    // The gate meant: the one named, else the one waiting, else the last decided (a repeated approve), else the next.
    const asked = request.gate
      ? gates.find((g) => g.gate === request.gate)
      : (gates.find((g) => g.state === 'waiting') ?? this.lastDecidedGate() ?? gates.find((g) => g.state === 'pending'));
    if (!gates.length) throw refuse(`${this.id} has no approval gates (spec.approvals is empty)`);
    if (request.gate && !asked) throw refuse(`${this.id} has no gate ${request.gate}; its gates: ${gates.map((g) => g.gate).join(', ')}`, 'invalid');
    if (asked?.state === 'approved') return { gate: asked, repeated: true };
    if (asked?.state === 'timed-out') throw refuse(`the gate ${asked.gate} of ${this.id} timed out at ${asked.at}; the install was cancelled`);
    if (this.isFinal) throw refuse(`${this.id} has ended (${this.status.state})`);
    if (!asked || asked.state !== 'waiting')
      throw refuse(`${this.id} is not waiting for an approval (state: ${this.status.state}${asked ? `; ${asked.gate} is still ahead` : ''})`);
    this.checkApprover(asked, request.by);
    return { gate: asked, repeated: false };
  }

  /** Named approvers, and four eyes: whoever started the install may not approve its gates. */
  private checkApprover(gate: GateStatus, by: Actor | undefined): void {
    const starter = this.status.startedBy;
    if (!by && (gate.approvers || starter)) throw refuse(`approving ${gate.gate} of ${this.id} needs to say who approves`, 'invalid');
    if (by && gate.approvers && !isNamedIn(gate.approvers, by))
      throw refuse(`only ${gate.approvers.join(', ')} may approve ${gate.gate} of ${this.id}; ${describeActor(by)} may not`);
    if (by && starter && samePerson(by, starter))
      throw refuse(`${describeActor(by)} started ${this.id} and may not approve its gate ${gate.gate} (four eyes: another person approves)`);
  }

  private lastDecidedGate(): GateStatus | undefined {
    return [...(this.status.gates ?? [])].reverse().find((g) => g.state === 'approved' || g.state === 'timed-out');
  }

  // --- retry and cancel --------------------------------------------------------------------

  validateRetry(request: RetryRequest): void {
    if (this.isFinal) throw refuse(`${this.id} has ended (${this.status.state}); "kinstall resume ${this.id}" starts a new run from where it stopped`);
    if (this.status.state !== 'waiting-for-operator') throw refuse(`${this.id} is not waiting for an operator (state: ${this.status.state})`);
    if (this.retry) throw refuse(`a retry of ${this.id} was accepted already and is starting`);
    // The same rules as spec.extraVars, here too, so that no client (a webhook, the Web UI) skips them.
    if (request.vars !== undefined) {
      const issues = varsIssues(request.vars, ['vars']);
      if (issues.length) throw refuse(`--vars: ${issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}`, 'invalid');
    }
    const phase = this.current;
    const refusal = request.failedHostsOnly && phase && failedHostsRefusal(this.planOf(phase.name), phase.name, phase.error);
    if (refusal) throw refuse(refusal);
  }

  acceptRetry(request: RetryRequest): RetryAccepted {
    this.validateRetry(request);
    this.retry = request;
    const phase = this.current;
    const limitHosts = request.failedHostsOnly ? hostsToRetry(phase?.error) : undefined;
    this.record({
      action: 'retry',
      phase: phase?.name,
      failedHostsOnly: request.failedHostsOnly,
      limitHosts,
      vars: request.vars,
      ...(request.by ? { by: request.by } : {}),
    });
    return { phase: phase?.name ?? '', limitHosts };
  }

  validateCancel(_request: CancelRequest): void {
    if (this.isFinal) throw refuse(`${this.id} has ended (${this.status.state}); there is nothing to cancel`);
  }

  /** Records the cancellation; the workflow then stops the running phase and ends the run Cancelled. */
  cancel(request: CancelRequest): CancelAnswer {
    this.validateCancel(request);
    const phase = this.status.phase;
    if (this.cancelRequested) return { phase, alreadyRequested: true };
    this.record({ action: 'abort', phase, reason: request.reason, ...(request.by ? { by: request.by } : {}) });
    return { phase };
  }

  get cancelRequested(): boolean {
    return this.status.operatorActions.some((a) => a.action === 'abort');
  }

  // --- helpers -----------------------------------------------------------------------------

  private get current(): PhaseStatus | undefined {
    return this.status.phases.find((p) => p.name === this.status.phase);
  }

  private get isFinal(): boolean {
    return FINAL_STATES.includes(this.status.state);
  }

  private record(action: Omit<OperatorAction, 'at'>): OperatorAction {
    const recorded = { at: this.now(), ...action };
    this.status.operatorActions.push(recorded);
    return recorded;
  }

  private setState(state: InstallState, waitingFor?: string): void {
    this.status.state = state;
    this.status.waitingFor = waitingFor;
    if (FINAL_STATES.includes(state)) Object.assign(this.status, { endedAt: this.now(), durationSeconds: secondsBetween(this.status.startedAt, this.now()) });
    this.estimate();
    this.changed({ kind: 'state', state });
  }

  private endRun(phase: PhaseStatus, run: PhaseRun, outcome: 'completed' | 'failed' | 'cancelled', attempts?: number): void {
    const endedAt = this.now();
    Object.assign(run, { endedAt, durationSeconds: secondsBetween(run.startedAt, endedAt), outcome, attempts });
    this.estimate();
    this.changed({ kind: 'phase-ended', phase: phase.name, outcome, seconds: (Date.parse(endedAt) - Date.parse(run.startedAt)) / 1000 });
  }

  /** The ETA as the run stands now (each phase's start and end, each change of state). */
  private estimate(): void {
    const eta = installEta(this.status, this.now());
    if (eta) this.status.eta = eta;
    else delete this.status.eta;
  }

  private secondsWaited(): number {
    return this.waitingSince ? (Date.parse(this.now()) - Date.parse(this.waitingSince)) / 1000 : 0;
  }
}
