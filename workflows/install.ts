// The install, as its runbook reads: check the spec, then each phase in order, each behind
// its approval gate if the spec asks for one. A phase that fails for good waits for an
// operator (retry, retry on failed hosts, retry with changed vars, or abort) instead of
// ending the install.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { RetryState, type SearchAttributeUpdatePair } from '@temporalio/common';
import type { SealedValue } from '../lib/codec/sealed-value.js';
import { currentDetails } from '../lib/install/current-details.js';
import type { PhaseResult } from '../lib/install/phase-io.js';
import {
  FINAL_STATES,
  secondsBetween,
  type InstallState,
  type InstallStatus,
  type OperatorAction,
  type PhaseError,
  type PhaseRun,
  type PhaseStatus,
} from '../lib/install/status.js';
import { failedHostsRefusal, hostsToRetry } from '../lib/plan/failed-hosts.js';
import { isFlow, phasePlan, planOf, type Flow, type PhaseName } from '../lib/plan/phases.js';
import type { Installation } from '../lib/spec/schema.js';
import type { ProgressEvent } from '../lib/tickets/progress-note.js';
import { formatPath } from '../lib/spec/format-path.js';
import { varsIssues } from '../lib/vars/vars-issues.js';
import {
  abortSignal,
  approveSignal,
  retrySignal,
  retryUpdate,
  SEARCH_ATTRIBUTES,
  statusQuery,
  type InstallOptions,
  type InstallSpecArgument,
  type RetryRequest,
} from './definitions.js';
import { installMetrics } from './install-metrics.js';
import { checkSpec, MAXIMUM_ATTEMPTS, registeredSearchAttributes, requestCancellation, runStep } from './phase-steps.js';
import { commentOnTicket } from './ticket-comment.js';

const now = () => new Date().toISOString();

/** What the spec says before it is validated: enough to name the install in its status. */
function sketch(specJson: string): { name: string; flow: Flow; ticket?: string } {
  try {
    const doc = JSON.parse(specJson) as { metadata?: { name?: string; ticket?: string }; spec?: { flow?: Flow } };
    const flow = isFlow(doc.spec?.flow) ? doc.spec.flow : 'onprem';
    return { name: doc.metadata?.name ?? '', flow, ticket: doc.metadata?.ticket };
  } catch {
    return { name: '', flow: 'onprem' };
  }
}

/** What a failed phase reports, how many activity attempts it used, and the admin.conf a failed kubespray run handed on. */
function phaseError(err: unknown): { error: PhaseError; attempts: number; adminConf?: SealedValue } {
  const failure = err instanceof ActivityFailure ? err.cause : err;
  const app = failure instanceof ApplicationFailure ? failure : undefined;
  const details = (app?.details?.[0] ?? {}) as Partial<PhaseError> & { attempt?: number; adminConf?: SealedValue };
  const exhausted = err instanceof ActivityFailure && err.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED;
  return {
    error: {
      type: app?.type ?? failure?.constructor?.name ?? 'Error',
      message: (failure as Error | undefined)?.message ?? String(err),
      failedHosts: details.failedHosts ?? [],
      unreachableHosts: details.unreachableHosts ?? [],
      failures: details.failures ?? [],
    },
    attempts: exhausted ? MAXIMUM_ATTEMPTS : (details.attempt ?? 1),
    adminConf: details.adminConf,
  };
}

/** Runs since these patches publish the status (memo, current details, only registered search attributes) and end Cancelled when cancelled. */
export const PATCHES = { publishStatus: 'publish-status', endCancelled: 'end-cancelled' } as const;

export async function install(specArgument: InstallSpecArgument, options: InstallOptions = {}): Promise<InstallStatus> {
  // The CLI sends the spec as a JSON string, the Web UI's start form as an object: the same spec.
  const specJson = typeof specArgument === 'string' ? specArgument : JSON.stringify(specArgument);
  const { name, flow, ticket } = sketch(specJson);
  const publishing = patched(PATCHES.publishStatus);
  const cancelViaServer = patched(PATCHES.endCancelled);
  const status: InstallStatus = {
    id: workflowInfo().workflowId,
    startedAt: workflowInfo().runStartTime.toISOString(),
    cluster: name,
    ticket,
    flow,
    state: 'running',
    phases: planOf(flow).map((phase) => ({ name: phase.name, state: 'pending', attempts: 0 })),
    operatorActions: [],
  };
  let retryRequest: RetryRequest | undefined;
  let approvedGate: string | undefined;
  let registered: string[] = [];
  // Kubespray's admin.conf (sealed), handed from the kubespray phase to the phases after it.
  let adminConf = options.resumeFrom?.adminConf;
  const scope = new CancellationScope();
  const metrics = installMetrics(status.id);
  let validSpec: Installation | undefined;
  // Ticket comments came in a later version: runs that began before it replay without them.
  const comment = async (event: ProgressEvent) => {
    if (validSpec?.spec.notify && patched('ticket-comments')) await commentOnTicket(validSpec, event);
  };

  const current = () => status.phases.find((p) => p.name === status.phase);
  const record = (action: Omit<OperatorAction, 'at'>) => status.operatorActions.push({ at: now(), ...action });
  /**
   * Tells the server where the install is: its search attributes (those the server has), and,
   * since the patch, its status as memo (what `kinstall status` shows when no worker answers)
   * and the Web UI's current details. `changed`: the attributes before the patch (old runs replay).
   */
  const announce = (changed: SearchAttributeUpdatePair[]) => {
    if (!publishing) return upsertSearchAttributes(changed);
    const values = { cluster: status.cluster, ticket: status.ticket, phase: status.phase, state: status.state };
    const pairs = Object.entries(SEARCH_ATTRIBUTES).flatMap(([field, key]) => {
      const value = values[field as keyof typeof values];
      return value && registered.includes(key.name) ? [{ key, value }] : [];
    });
    if (pairs.length) upsertSearchAttributes(pairs);
    upsertMemo({ status });
    setCurrentDetails(currentDetails(status));
  };
  const setState = (state: InstallState, waitingFor?: string) => {
    status.state = state;
    status.waitingFor = waitingFor;
    if (FINAL_STATES.includes(state)) Object.assign(status, { endedAt: now(), durationSeconds: secondsBetween(status.startedAt, now()) });
    metrics.state(state);
    announce([{ key: SEARCH_ATTRIBUTES.state, value: state }]);
  };
  /**
   * Ends the install as cancelled: the running phase is cancelled at once (its Ansible stopped),
   * and, since the patch, the cancellation of the run is requested through the server, so that
   * Temporal too says Cancelled (only a cancel the server delivered ends a run so).
   */
  let serverCancel: Promise<boolean> | undefined;
  const cancelInstall = (action: Omit<OperatorAction, 'at'>) => {
    record(action);
    if (cancelViaServer) {
      // Not cancellable: a gate's timeout asks from inside the scope it cancels.
      serverCancel ??= CancellationScope.nonCancellable(() => requestCancellation(workflowInfo().workflowId, workflowInfo().runId)).then(
        () => true,
        () => false,
      );
    }
    scope.cancel();
  };

  const validateRetry = (request: RetryRequest) => {
    if (status.state !== 'waiting-for-operator') throw new Error(`${status.id} is not waiting for an operator (state: ${status.state})`);
    // The same rules as spec.extraVars, here too, so that no client (a webhook, the Web UI) skips them.
    if (request.vars !== undefined) {
      const issues = varsIssues(request.vars, ['vars']);
      if (issues.length) throw new Error(`--vars: ${issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}`);
    }
    const phase = current();
    const refusal = request.failedHostsOnly && phase && failedHostsRefusal(flow, phase.name, phase.error);
    if (refusal) throw new Error(refusal);
  };
  const acceptRetry = (request: RetryRequest) => {
    retryRequest = request;
    const phase = current();
    const limitHosts = request.failedHostsOnly ? hostsToRetry(phase?.error) : undefined;
    record({ action: 'retry', phase: phase?.name, failedHostsOnly: request.failedHostsOnly, limitHosts, vars: request.vars });
    return { phase: phase?.name ?? '', limitHosts };
  };

  setHandler(statusQuery, () => status);
  setHandler(retryUpdate, acceptRetry, { validator: validateRetry });
  setHandler(retrySignal, (request) => {
    try {
      validateRetry(request);
      acceptRetry(request);
    } catch {
      // A signal cannot be refused with an answer; the Update form says why.
    }
  });
  setHandler(approveSignal, (request) => {
    if (status.state !== 'waiting-for-approval' || (request?.gate && request.gate !== status.waitingFor)) return;
    approvedGate = status.waitingFor;
    record({ action: 'approve', phase: status.phase });
  });
  setHandler(abortSignal, (request) => cancelInstall({ action: 'abort', phase: status.phase, reason: request?.reason }));

  async function runPhase(phase: PhaseStatus, spec: Installation): Promise<void> {
    const steps = phasePlan(flow, phase.name)?.steps ?? [];
    let request: RetryRequest = {};
    for (;;) {
      const limitHosts = request.failedHostsOnly ? hostsToRetry(phase.error) : undefined;
      const run: PhaseRun = { startedAt: now(), ...(limitHosts ? { limitHosts } : {}) };
      const endRun = (outcome: PhaseRun['outcome'], attempts?: number) =>
        Object.assign(run, { endedAt: now(), durationSeconds: secondsBetween(run.startedAt, now()), outcome, attempts });
      phase.runs = [...(phase.runs ?? []), run];
      const startedMs = Date.now();
      Object.assign(phase, { state: 'running', startedAt: phase.startedAt ?? run.startedAt, endedAt: undefined, error: undefined, summary: undefined });
      log.info('phase started', { phase: phase.name, attempt: phase.attempts + 1, limitHosts });
      const input = { spec, limitHosts, operatorVars: request.vars, adminConf };
      try {
        let result: PhaseResult | undefined;
        // A chain's attempts are those of its most retried step (the node playbook of storage, say).
        let attempts = 1;
        for (const step of steps) {
          result = await runStep(step, input);
          adminConf = result.adminConf ?? adminConf;
          attempts = Math.max(attempts, result.attempt);
        }
        Object.assign(phase, { state: 'completed', endedAt: now(), attempts: phase.attempts + attempts, summary: result?.summary, hosts: result?.hosts });
        endRun('completed', attempts);
        metrics.phaseEnded(phase.name, 'completed', startedMs);
        log.info('phase completed', { phase: phase.name, attempt: phase.attempts, summary: phase.summary });
        await comment({ kind: 'phase-finished', id: status.id, phase: { name: phase.name, attempts: phase.attempts, summary: phase.summary } });
        return;
      } catch (err) {
        if (isCancellation(err)) {
          Object.assign(phase, { state: 'failed', endedAt: now(), summary: 'cancelled' });
          endRun('cancelled');
          metrics.phaseEnded(phase.name, 'cancelled', startedMs);
          throw err;
        }
        const { error, attempts, adminConf: handedOn } = phaseError(err);
        adminConf = handedOn ?? adminConf;
        Object.assign(phase, { state: 'failed', endedAt: now(), attempts: phase.attempts + attempts, error });
        endRun('failed', attempts);
        metrics.phaseEnded(phase.name, 'failed', startedMs);
        log.warn('phase failed', { phase: phase.name, attempt: phase.attempts, type: error.type });
        status.error = { phase: phase.name, ...error };
        const failedHosts = failedHostsRefusal(flow, phase.name, phase.error) ? '' : ' [--failed-hosts]';
        setState(
          'waiting-for-operator',
          `an operator: the ${phase.name} phase failed (${error.type}); kinstall retry ${status.id}${failedHosts} [--vars FILE], or kinstall cancel ${status.id}`,
        );
        await comment({ kind: 'waiting-for-operator', id: status.id, flow, phase: phase.name, error });
        const waitFrom = Date.now();
        await condition(() => retryRequest !== undefined);
        metrics.waited('failed-phase', waitFrom);
        request = retryRequest ?? {};
        retryRequest = undefined;
        status.error = undefined;
        setState('running');
      }
    }
  }

  async function gate(phase: PhaseName, spec: Installation): Promise<void> {
    const name = `before-${phase}`;
    if (!spec.spec.approvals?.includes(name)) return;
    setState('waiting-for-approval', name);
    const timeout = spec.spec.approvalTimeout;
    const waitFrom = Date.now();
    const approved = timeout ? await condition(() => approvedGate === name, timeout) : (await condition(() => approvedGate === name), true);
    metrics.waited('approval', waitFrom);
    if (!approved) {
      cancelInstall({ action: 'abort', phase, reason: `approval ${name} timed out after ${timeout}` });
      await condition(() => false); // the cancellation ends the install here
    }
    setState('running');
  }

  try {
    await scope.run(async () => {
      if (publishing) registered = await registeredSearchAttributes(Object.values(SEARCH_ATTRIBUTES).map((key) => key.name));
      const { spec, inputHashes } = await checkSpec(specJson);
      validSpec = spec;
      status.cluster = spec.metadata.name;
      if (!publishing)
        announce([
          { key: SEARCH_ATTRIBUTES.cluster, value: spec.metadata.name },
          ...(spec.metadata.ticket ? [{ key: SEARCH_ATTRIBUTES.ticket, value: spec.metadata.ticket }] : []),
        ]);
      setState('running');
      await comment({ kind: 'started', id: status.id, flow, phases: status.phases.map((p) => p.name) });
      const earlier = new Map((options.resumeFrom?.phases ?? []).map((p) => [p.name, p]));
      if (options.resumeFrom) record({ action: 'resume', reason: `resumed from run ${options.resumeFrom.runId}` });
      for (const phase of status.phases) {
        phase.inputHash = inputHashes[phase.name];
        const before = earlier.get(phase.name);
        const finished = before && (before.state === 'completed' || before.state === 'skipped') && before.inputHash === phase.inputHash;
        if (finished && phasePlan(flow, phase.name)?.onResume === 'skip-if-unchanged') {
          Object.assign(phase, { state: 'skipped', attempts: before.attempts, summary: `completed in an earlier run (inputs unchanged)` });
          continue;
        }
        status.phase = phase.name;
        announce([{ key: SEARCH_ATTRIBUTES.phase, value: phase.name }]);
        await gate(phase.name, spec);
        await runPhase(phase, spec);
      }
    });
    setState('completed');
    await comment({ kind: 'ended', id: status.id, state: 'completed' });
    return status;
  } catch (err) {
    if (isCancellation(err)) {
      // Requested through the server: end when it delivers the cancellation (the root scope's).
      if (serverCancel && (await serverCancel)) await CancellationScope.current().cancelRequested.catch(() => undefined);
      // Cancelled through Temporal itself (the Web UI, `temporal workflow cancel`): say so too.
      if (!status.operatorActions.some((a) => a.action === 'abort'))
        record({ action: 'abort', phase: status.phase, reason: 'cancellation requested through Temporal (Web UI or API)' });
      setState('cancelled');
      await comment({ kind: 'ended', id: status.id, state: 'cancelled' });
      throw err;
    }
    status.error = phaseError(err).error;
    setState('failed');
    await comment({ kind: 'ended', id: status.id, state: 'failed', error: { phase: status.phase, type: status.error.type, message: status.error.message } });
    throw err;
  }
}
