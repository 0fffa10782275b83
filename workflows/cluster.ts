// A cluster through its life (Temporal's entity pattern): one workflow per cluster,
// `cluster-<name>`, created by its install's Update-with-Start. Operations arrive as Updates its
// validator answers at once; each runs as a child workflow of the install's phase engine
// (install for the first, clusterOperation after), one at a time; a drift check the entity runs
// itself (it changes nothing). It continues as new when its history grows, between operations.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertMemo,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { ClusterActivities } from '../activities/cluster.js';
import { ClusterEntity, newClusterStatus, type OperationRequest } from '../lib/cluster/cluster-entity.js';
import { specForOperation } from '../lib/cluster/cluster-spec.js';
import type { DriftReport } from '../lib/cluster/live-cluster.js';
import { nodeRemovalProblem } from '../lib/cluster/node-removal.js';
import { parseNodeFile } from '../lib/cluster/node-file.js';
import type { ClusterStatus } from '../lib/cluster/cluster-status.js';
import type { ClusterOperation } from '../lib/cluster/operation.js';
import type { Actor } from '../lib/install/actor.js';
import { startMetadata } from '../lib/install/start-metadata.js';
import { REFUSAL_TYPES } from '../lib/install/operator-requests.js';
import type { InstallStatus } from '../lib/install/status.js';
import * as api from './cluster-definitions.js';
import { installWorkflowId } from './definitions.js';
import type { clusterOperation, install } from './install.js';

/** Past this many events the entity continues as new at its next idle moment (the server's suggestion comes later, at about 4,000 by default). */
const HISTORY_LIMIT = 2000;

const { planKubeHops } = proxyLocalActivities<ClusterActivities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 3 } });
const { checkDrift, ensureDriftSchedule, removeDriftSchedule } = proxyActivities<ClusterActivities>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 5 },
});

const now = () => new Date().toISOString();
const invalid = (message: string) => ApplicationFailure.create({ type: REFUSAL_TYPES.invalid, message, nonRetryable: true });

export async function cluster(args: api.ClusterArguments): Promise<ClusterStatus> {
  const entity = new ClusterEntity(args.status ?? newClusterStatus(args.name, now()), now);
  const publish = () => upsertMemo({ cluster: summary(entity) });
  let scheduledDrift: Actor | null | undefined;

  /** The operation as the cluster will run it, or why it cannot; an upgrade's hops are planned from its checkouts (planUpgrade). */
  function resolve(request: Exclude<OperationRequest, { kind: 'check-drift' | 'upgrade-kube' | 'adopt' }>): ClusterOperation {
    switch (request.kind) {
      case 'install':
      case 'reset':
        return { kind: request.kind };
      case 'scale':
        return { kind: 'scale', add: newNodes(entity, request.nodesFile) };
      case 'remove-node':
        return { kind: 'remove-node', node: request.node };
      case 'upgrade-katonic':
        return { kind: 'upgrade-katonic', version: request.version };
    }
  }

  async function planUpgrade(request: Extract<OperationRequest, { kind: 'upgrade-kube' }>): Promise<ClusterOperation> {
    const { spec, versions } = entity.status;
    const planned = await planKubeHops({ spec, from: versions.kubernetes, to: request.version, kubesprayDirs: request.kubesprayDirs ?? [] });
    if ('problem' in planned) throw invalid(planned.problem);
    return { kind: 'upgrade-kube', version: planned.hops.at(-1)!.version, hops: planned.hops };
  }

  /** Starts the operation's child workflow (the operation begun); its end is recorded when it comes. */
  async function startOperation(op: ClusterOperation, by: Actor | undefined) {
    const record = entity.status.current!;
    // The install keeps the id installs always had.
    const workflowId = op.kind === 'install' ? installWorkflowId(entity.name) : `${api.clusterWorkflowId(entity.name)}-${record.seq}-${op.kind}`;
    entity.started(op, workflowId);
    publish();
    const options = { startedBy: by, ...(op.kind === 'install' ? {} : { handoffs: entity.status.handoffs }) };
    // Abandoned, not terminated, when the entity continues as new (it only does so between operations) or is terminated.
    const common = { workflowId, parentClosePolicy: ParentClosePolicy.ABANDON };
    let child: ChildWorkflowHandle<typeof install | typeof clusterOperation>;
    try {
      child =
        op.kind === 'install'
          ? await startChild<typeof install>('install', { ...common, args: [entity.status.spec, options], ...startMetadata(entity.status.spec) })
          : await startChild<typeof clusterOperation>(api.CLUSTER_OPERATION_WORKFLOW, {
              ...common,
              args: [specForOperation(entity.status.spec, op), op, options],
            });
    } catch (err) {
      entity.abandon(`its workflow did not start: ${(err as Error).message}`);
      publish();
      throw err;
    }
    void child.result().then(
      (status: InstallStatus) => ended(op, { status }),
      (err: unknown) => ended(op, { failed: causeOf(err), cancelled: isCancelled(err) }),
    );
    return { seq: record.seq, description: record.description, workflowId };
  }

  const createSchedule = () => ensureDriftSchedule({ name: entity.name, taskQueue: workflowInfo().taskQueue });

  /** The child ended: the drift Schedule follows an install or a reset first, so the entity is busy (and does not end) until it has. */
  async function ended(op: ClusterOperation, outcome: Parameters<ClusterEntity['finish']>[1]) {
    const completed = 'status' in outcome;
    const schedule =
      completed && op.kind === 'install' ? createSchedule() : completed && op.kind === 'reset' ? removeDriftSchedule({ name: entity.name }) : undefined;
    const scheduleProblem = await schedule?.then(
      () => undefined,
      (err: unknown) => causeOf(err),
    );
    const record = entity.finish(op, outcome);
    if (scheduleProblem) record.summary = `${record.summary}; the daily drift Schedule: ${scheduleProblem}`;
    publish();
  }

  async function runDriftCheck(by: Actor | undefined): Promise<DriftReport> {
    entity.begin({ kind: 'check-drift' }, by);
    publish();
    try {
      const report = await checkDrift({ spec: entity.status.spec, ...entity.status.handoffs });
      entity.drifted(report);
      return report;
    } catch (err) {
      entity.drifted({ failed: causeOf(err) });
      throw err;
    } finally {
      publish();
    }
  }

  setHandler(api.clusterStatusQuery, () => entity.status);
  setHandler(
    api.operateUpdate,
    async (request) => {
      if (request.kind === 'check-drift') {
        const drift = await runDriftCheck(request.by);
        return { seq: entity.status.log.at(-1)!.seq, description: 'check-drift', drift };
      }
      if (request.kind === 'adopt') {
        const record = entity.adopt(request.spec, request.install, request.by);
        publish();
        await createSchedule();
        return { seq: record.seq, description: record.description, workflowId: record.workflowId };
      }
      if (request.kind !== 'upgrade-kube') {
        const op = resolve(request);
        if (request.kind === 'install') entity.adoptSpec(request.spec);
        entity.begin(op, request.by);
        return startOperation(op, request.by);
      }
      // Begun before its checkouts are read, so that no other operation starts meanwhile.
      entity.begin({ kind: 'upgrade-kube', version: request.version, hops: [] }, request.by);
      try {
        return await startOperation(await planUpgrade(request), request.by);
      } catch (err) {
        if (entity.busy && !entity.status.current?.workflowId) {
          entity.abandon((err as Error).message);
          publish();
        }
        throw err;
      }
    },
    { validator: (request) => validate(entity, request) },
  );
  setHandler(api.checkDriftSignal, ({ by }) => {
    scheduledDrift = by ?? null;
  });

  publish();
  for (;;) {
    await condition(() => !entity.busy && (scheduledDrift !== undefined || entity.status.state === 'reset' || historyIsLong()));
    if (scheduledDrift !== undefined && entity.status.state === 'ready') {
      const by = scheduledDrift ?? undefined;
      scheduledDrift = undefined;
      await runDriftCheck(by).catch(() => undefined); // recorded in the log; the next day's check tries again
      continue;
    }
    if (scheduledDrift !== undefined) {
      entity.skipped('check-drift', `the cluster is ${entity.status.state}`);
      scheduledDrift = undefined;
      continue;
    }
    await condition(allHandlersFinished);
    if (entity.busy) continue;
    if (entity.status.state === 'reset') return entity.status;
    return continueAsNew<typeof cluster>({ name: entity.name, status: entity.status });
  }
}

/** The Schedule's workflow: tells the cluster's entity to check for drift. */
export async function scheduledDriftCheck(name: string): Promise<void> {
  await getExternalWorkflowHandle(api.clusterWorkflowId(name)).signal(api.checkDriftSignal, { by: { name: 'daily drift schedule', via: 'temporal' } });
}

function validate(entity: ClusterEntity, request: OperationRequest): void {
  entity.validate(request);
  if (request.kind === 'remove-node') {
    const problem = nodeRemovalProblem(entity.status.spec.spec.onprem?.nodes ?? [], request.node);
    if (problem) throw invalid(`remove-node: ${problem}`);
  }
  if (request.kind === 'scale') newNodes(entity, request.nodesFile);
}

/** The nodes a scale's file adds, or why not (a name or address the cluster has, a role scale.yml does not add). */
function newNodes(entity: ClusterEntity, nodesFile: string) {
  const parsed = parseNodeFile(nodesFile, { nodes: entity.status.spec.spec.onprem?.nodes ?? [] });
  if ('problems' in parsed) throw invalid(`--add: ${parsed.problems.join('; ')}`);
  return parsed.nodes;
}

const historyIsLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT;

/** The memo `kinstall cluster list` shows without asking a worker. */
function summary(entity: ClusterEntity) {
  const { name, flow, state, versions, nodes, current } = entity.status;
  return { name, flow, state, versions, nodes: nodes.length, ...(current ? { current: current.description } : {}) };
}

function causeOf(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  while (e?.cause) e = e.cause as typeof e;
  return e?.message ?? String(err);
}

function isCancelled(err: unknown): boolean {
  let e = err as { name?: string; cause?: unknown } | undefined;
  for (; e; e = e.cause as typeof e) if (e.name === 'CancelledFailure') return true;
  return false;
}
