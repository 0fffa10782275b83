// The install, as its runbook reads: check the spec, then each phase in order, each behind its
// approval gate if the spec asks for one. A phase that fails for good waits for an operator
// (retry, retry on failed hosts, retry with changed vars, or cancel) instead of ending the
// install. The state and its rules are InstallRun's (lib/install/install-run.ts); operator
// actions are Updates its validators answer. A cluster's day-2 operations (scale, remove-node,
// upgrades, reset) run the same runbook with their own phases (clusterOperation).
import { CancellationScope, isCancellation, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { describeOperation, type ClusterOperation } from '../lib/cluster/operation.js';
import { InstallRun } from '../lib/install/install-run.js';
import { specSketch } from '../lib/install/spec-sketch.js';
import type { InstallStatus } from '../lib/install/status.js';
import { operationGate, operationPlan } from '../lib/plan/operation-plans.js';
import { ansibleTaskQueue } from '../lib/temporal/task-queues.js';
import { approvalGates } from '../lib/spec/approvals.js';
import type { Installation } from '../lib/spec/schema.js';
import { liveStatusOf } from '../lib/tickets/live-status.js';
import { isNoteEvent, type ProgressEvent } from '../lib/tickets/progress-note.js';
import * as api from './definitions.js';
import { failureReport } from './failure-report.js';
import { adoptIntoCluster, checkSpec, expectedPhases, recordPhaseDurations, registeredSearchAttributes } from './phase-steps.js';
import { RunCancellation } from './run-cancellation.js';
import { passGate, runPhase } from './run-phase.js';
import { ServerView } from './server-view.js';
import { commentOnTicket } from './ticket-comment.js';
import { TicketStatus } from './ticket-status.js';

/** Runs since these patches publish the status (memo, current details, only registered search attributes) and end Cancelled when cancelled. */
export const PATCHES = {
  publishStatus: 'publish-status',
  endCancelled: 'end-cancelled',
  ticketComments: 'ticket-comments',
  /** A passed gate is said on the ticket (a child more than runs before it started). */
  gateNotes: 'gate-notes',
  /** A resume runs a finished phase again when the hand-off it makes was not kept (admin.conf, the inventory's digest). */
  resumeNeedsHandoffs: 'resume-needs-handoffs',
  /** An install that completes outside its cluster's entity (a Web UI start, a resume) hands the cluster to it. */
  adoptIntoCluster: 'adopt-into-cluster',
  /** Phases are expected to take what the durations book recorded of them, and record what they took. */
  eta: 'eta',
  /** The ticket shows the live status (a child per system, signalled at each event, phase starts and approval waits too). */
  ticketLiveStatus: 'ticket-live-status',
  /** Verify checks the seed's requirements from outside (the front door, the mesh, storage that binds); runs from before verify what they were started to: the cluster's objects. */
  seedChecks: 'seed-checks',
  /** The steps that run Ansible wait on the install queue's Ansible queue, for a worker's few Ansible slots; runs from before, on the install queue. */
  ansibleQueue: 'ansible-queue',
} as const;

const now = () => new Date().toISOString();
/** A signal from an older client: applied when the Update's validator would accept it, else dropped (a signal has no answer). */
const ifValid = (apply: () => unknown) => {
  try {
    apply();
  } catch {
    // refused: the Update form of the same request says why
  }
};

export async function install(specArgument: api.InstallSpecArgument, options: api.InstallOptions = {}): Promise<InstallStatus> {
  return runbook(specArgument, options);
}

/** A day-2 operation on an installed cluster, started by its entity (workflows/cluster.ts) with the cluster's spec as the operation needs it. */
export async function clusterOperation(spec: api.InstallSpecArgument, operation: ClusterOperation, options: api.InstallOptions = {}): Promise<InstallStatus> {
  return runbook(spec, options, operation);
}

/** The plan and gate of an operation on the cluster the spec describes (its nodes before the operation). */
function operationRun(specJson: string, flow: Parameters<typeof operationPlan>[1], operation: ClusterOperation) {
  const nodes = (JSON.parse(specJson) as { spec?: { onprem?: { nodes?: Parameters<typeof operationPlan>[2] } } }).spec?.onprem?.nodes ?? [];
  const plan = operationPlan(operation, flow, nodes);
  return { plan, gate: operationGate(operation, plan), description: describeOperation(operation), kind: operation.kind };
}

async function runbook(specArgument: api.InstallSpecArgument, options: api.InstallOptions, operation?: ClusterOperation): Promise<InstallStatus> {
  // The CLI sends the spec as a JSON string, the Web UI's start form as an object: the same spec.
  const specJson = typeof specArgument === 'string' ? specArgument : JSON.stringify(specArgument);
  const { workflowId, runStartTime } = workflowInfo();
  const publishing = patched(PATCHES.publishStatus);
  const cancellation = new RunCancellation(patched(PATCHES.endCancelled));
  const sketch = specSketch(specJson);
  const day2 = operation && operationRun(specJson, sketch.flow, operation);
  const start = { id: workflowId, startedAt: runStartTime.toISOString(), ...sketch, startedBy: options.startedBy, operation: day2 };
  const run: InstallRun = new InstallRun(start, now, (change) => server.changed(change));
  const server = new ServerView(run.status, publishing);
  let spec: Installation | undefined;
  const ticketStatus = new TicketStatus();
  // Ticket comments came in a later version, the live status later still: runs that began before replay without them.
  const comment = async (event: ProgressEvent) => {
    if (!spec?.spec.notify || !patched(PATCHES.ticketComments) || (event.kind === 'gate-passed' && !patched(PATCHES.gateNotes))) return;
    if (patched(PATCHES.ticketLiveStatus)) await ticketStatus.show(spec, liveStatusOf(run.status));
    if (isNoteEvent(event)) await commentOnTicket(spec, { ...event, ...(run.status.eta ? { eta: run.status.eta } : {}) });
  };
  const cancel = (request: api.CancelRequest) => {
    const answer = run.cancel(request);
    if (!answer.alreadyRequested) cancellation.request();
    return answer;
  };

  setHandler(api.statusQuery, () => run.status);
  setHandler(api.retryUpdate, (request) => run.acceptRetry(request), { validator: (request) => run.validateRetry(request) });
  setHandler(api.approveUpdate, (request) => run.approve(request), { validator: (request) => run.validateApprove(request) });
  setHandler(api.abortUpdate, cancel, { validator: (request) => run.validateCancel(request) });
  setHandler(api.retrySignal, (request) => ifValid(() => run.acceptRetry(request)));
  setHandler(api.approveSignal, (request) => ifValid(() => run.approve(request ?? {})));
  setHandler(api.abortSignal, (request) => ifValid(() => cancel(request ?? {})));
  setHandler(api.ticketCommentFailedSignal, ({ system, message }) => run.note(`a ${system} comment was not posted: ${message}`));
  setHandler(api.ticketStatusFailedSignal, ({ system, message }) => run.note(`the ${system} status was not set: ${message}`));

  let estimating = false;
  // What this run's phases took goes to the durations book as it ends (before its final state,
  // so that one who reads the ended install reads its whole history): one activity, not one a phase.
  const recordDurations = async () => {
    const phases = run.phaseDurations();
    if (estimating && phases.length) await CancellationScope.nonCancellable(() => recordPhaseDurations(phases)).catch(() => undefined);
  };

  try {
    await cancellation.scope.run(async () => {
      if (publishing) server.registered = await registeredSearchAttributes(Object.values(api.SEARCH_ATTRIBUTES).map((key) => key.name));
      const checked = day2 ? await checkSpec(specJson, day2.plan) : await checkSpec(specJson);
      spec = checked.spec;
      run.accept({ name: spec.metadata.name, gates: gatesOf(spec, day2), inputHashes: checked.inputHashes });
      const seedChecks = patched(PATCHES.seedChecks);
      // Decided once: a run started before keeps its Ansible steps on the queue it was started on.
      const ansibleQueue = patched(PATCHES.ansibleQueue) ? ansibleTaskQueue(workflowInfo().taskQueue) : undefined;
      // An estimate is worth a little, never an install: a book that does not answer leaves phases unestimated.
      estimating = patched(PATCHES.eta);
      if (estimating) run.expect(await expectedPhases(run.status.phases.map((p) => run.durationKey(p.name))).catch(() => []));
      const phases = run.status.phases.map((p) => p.name);
      await comment({ kind: 'started', id: run.id, flow: run.flow, phases, by: run.status.startedBy, operation: day2?.description });
      run.handOn(options.handoffs ?? {});
      if (options.resumeFrom) run.resumeFrom(options.resumeFrom, patched(PATCHES.resumeNeedsHandoffs) ? ['adminConf', 'inventoryDigest'] : []);
      for (const phase of run.status.phases) {
        if (run.skipIfFinishedBefore(phase)) continue;
        run.enterPhase(phase);
        await passGate(run, phase, spec.spec.approvalTimeout, () => cancellation.request(), comment);
        await runPhase(run, phase, spec, comment, { seedChecks, ansibleQueue });
      }
    });
    await recordDurations();
    run.end('completed');
    if (!operation && !workflowInfo().parent && patched(PATCHES.adoptIntoCluster)) run.note(await adoptIntoCluster(spec!, run.status));
    await comment({ kind: 'ended', id: run.id, state: 'completed' });
    return run.status;
  } catch (err) {
    if (isCancellation(err)) {
      await cancellation.settled();
      await recordDurations();
      run.end('cancelled');
      const abort = run.status.operatorActions.find((a) => a.action === 'abort');
      await comment({ kind: 'ended', id: run.id, state: 'cancelled', by: abort?.by, reason: abort?.reason });
    } else {
      await recordDurations();
      run.end('failed', failureReport(err, 1).error);
      const { type, message } = run.status.error!;
      await comment({ kind: 'ended', id: run.id, state: 'failed', error: { phase: run.status.phase, type, message } });
    }
    throw err;
  }
}

/** An install's gates are the spec's; an operation has its own gate or none (whoever the spec names for a gate of that name approves it). */
function gatesOf(spec: Installation, operation: { gate?: string } | undefined) {
  const gates = approvalGates(spec);
  if (!operation) return gates;
  const { gate } = operation;
  return gate ? [gates.find((g) => g.gate === gate) ?? { gate }] : [];
}
