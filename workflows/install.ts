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
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { SealedValue } from '../lib/codec/sealed-value.js';
import type { PhaseResult } from '../lib/install/phase-io.js';
import type { InstallState, InstallStatus, OperatorAction, PhaseError, PhaseStatus } from '../lib/install/status.js';
import { isFlow, phasePlan, planOf, type Flow, type PhaseName } from '../lib/plan/phases.js';
import type { Installation } from '../lib/spec/schema.js';
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
  type RetryRequest,
} from './definitions.js';
import { installMetrics } from './install-metrics.js';
import { checkSpec, MAXIMUM_ATTEMPTS, runStep } from './phase-steps.js';

const now = () => new Date().toISOString();

/** The hosts a `retry --failed-hosts` limits the phase to. */
const hostsToRetry = (phase?: PhaseStatus): string[] => [...(phase?.error?.failedHosts ?? []), ...(phase?.error?.unreachableHosts ?? [])];

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

export async function install(specJson: string, options: InstallOptions = {}): Promise<InstallStatus> {
  const { name, flow, ticket } = sketch(specJson);
  const status: InstallStatus = {
    id: workflowInfo().workflowId,
    cluster: name,
    ticket,
    flow,
    state: 'running',
    phases: planOf(flow).map((phase) => ({ name: phase.name, state: 'pending', attempts: 0 })),
    operatorActions: [],
  };
  let retryRequest: RetryRequest | undefined;
  let approvedGate: string | undefined;
  // Kubespray's admin.conf (sealed), handed from the kubespray phase to the phases after it.
  let adminConf = options.resumeFrom?.adminConf;
  const scope = new CancellationScope();
  const metrics = installMetrics(status.id);

  const current = () => status.phases.find((p) => p.name === status.phase);
  const record = (action: Omit<OperatorAction, 'at'>) => status.operatorActions.push({ at: now(), ...action });
  const setState = (state: InstallState, waitingFor?: string) => {
    status.state = state;
    status.waitingFor = waitingFor;
    metrics.state(state);
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.state, value: state }]);
  };

  const validateRetry = (request: RetryRequest) => {
    if (status.state !== 'waiting-for-operator') throw new Error(`${status.id} is not waiting for an operator (state: ${status.state})`);
    // The same rules as spec.extraVars, here too, so that no client (a webhook, the Web UI) skips them.
    if (request.vars !== undefined) {
      const issues = varsIssues(request.vars, ['vars']);
      if (issues.length) throw new Error(`--vars: ${issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}`);
    }
    const phase = current();
    if (request.failedHostsOnly) {
      const failedHosts = phase && phasePlan(flow, phase.name)?.failedHosts;
      if (typeof failedHosts === 'object') throw new Error(`retry --failed-hosts is refused for the ${phase?.name} phase: ${failedHosts.refused}`);
      if (!hostsToRetry(phase).length) throw new Error(`retry --failed-hosts: the ${phase?.name} phase has no failed or unreachable hosts recorded; retry the whole phase`);
    }
  };
  const acceptRetry = (request: RetryRequest) => {
    retryRequest = request;
    const phase = current();
    const limitHosts = request.failedHostsOnly ? hostsToRetry(phase) : undefined;
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
  setHandler(abortSignal, (request) => {
    record({ action: 'abort', phase: status.phase, reason: request?.reason });
    scope.cancel();
  });

  async function runPhase(phase: PhaseStatus, spec: Installation): Promise<void> {
    const steps = phasePlan(flow, phase.name)?.steps ?? [];
    let request: RetryRequest = {};
    for (;;) {
      const limitHosts = request.failedHostsOnly ? hostsToRetry(phase) : undefined;
      const startedMs = Date.now();
      Object.assign(phase, { state: 'running', startedAt: now(), endedAt: undefined, error: undefined, summary: undefined });
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
        metrics.phaseEnded(phase.name, 'completed', startedMs);
        log.info('phase completed', { phase: phase.name, attempt: phase.attempts, summary: phase.summary });
        return;
      } catch (err) {
        if (isCancellation(err)) {
          Object.assign(phase, { state: 'failed', endedAt: now(), summary: 'cancelled' });
          metrics.phaseEnded(phase.name, 'cancelled', startedMs);
          throw err;
        }
        const { error, attempts, adminConf: handedOn } = phaseError(err);
        adminConf = handedOn ?? adminConf;
        Object.assign(phase, { state: 'failed', endedAt: now(), attempts: phase.attempts + attempts, error });
        metrics.phaseEnded(phase.name, 'failed', startedMs);
        log.warn('phase failed', { phase: phase.name, attempt: phase.attempts, type: error.type });
        status.error = { phase: phase.name, ...error };
        setState('waiting-for-operator', `an operator: the ${phase.name} phase failed (${error.type}); kinstall retry ${status.id} [--failed-hosts] [--vars FILE], or kinstall cancel ${status.id}`);
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
      record({ action: 'abort', phase, reason: `approval ${name} timed out after ${timeout}` });
      scope.cancel();
      await condition(() => false); // the cancellation ends the install here
    }
    setState('running');
  }

  try {
    await scope.run(async () => {
      const { spec, inputHashes } = await checkSpec(specJson);
      status.cluster = spec.metadata.name;
      upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.cluster, value: spec.metadata.name }, ...(spec.metadata.ticket ? [{ key: SEARCH_ATTRIBUTES.ticket, value: spec.metadata.ticket }] : [])]);
      setState('running');
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
        upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.phase, value: phase.name }]);
        await gate(phase.name, spec);
        await runPhase(phase, spec);
      }
    });
    setState('completed');
    return status;
  } catch (err) {
    if (isCancellation(err)) {
      setState('cancelled');
      throw err;
    }
    status.error = phaseError(err).error;
    setState('failed');
    throw err;
  }
}
