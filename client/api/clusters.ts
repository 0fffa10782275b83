// The client API of clusters (workflows/cluster.ts): an install through its cluster's entity
// (Update-with-Start: the first install creates it), the day-2 operations, the entity's status,
// its log and the list of clusters. Fails with InstallApiError only, like the install API.
import { Client, WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { ClusterStatus } from '../../lib/cluster/cluster-status.js';
import type { Actor } from '../../lib/install/actor.js';
import type { InstallStatus } from '../../lib/install/status.js';
import { taskQueue } from '../../lib/local-tools.js';
import type { Installation } from '../../lib/spec/schema.js';
import {
  CLUSTER_WORKFLOW,
  clusterStatusQuery,
  clusterWorkflowId,
  operateUpdate,
  type OperationAccepted,
  type OperationRequest,
} from '../../workflows/cluster-definitions.js';
import type { cluster } from '../../workflows/cluster.js';
import type { DriftReport } from '../../lib/cluster/live-cluster.js';
import { InstallApiError } from './errors.js';
import { fetchStatus } from '../install-status.js';
import { installWorkflowId } from '../../workflows/definitions.js';
import { ANSWER_DEADLINE_MS, askUpdate, isDeadlineExceeded, listingClient, originalSpec, refusalOf } from './installs.js';

export type OperationAnswer = OperationAccepted & { drift?: DriftReport };

/** An Update to the cluster's entity that creates it when it does not run yet (Update-with-Start). */
async function withStart(client: Client, spec: Installation, request: OperationRequest, queue: string): Promise<OperationAnswer> {
  const name = spec.metadata.name;
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof cluster>(CLUSTER_WORKFLOW, {
    workflowId: clusterWorkflowId(name),
    taskQueue: queue,
    args: [{ name }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    memo: { cluster: { name, flow: spec.spec.flow, state: 'new' } },
  });
  try {
    return await client.connection.withDeadline(Date.now() + ANSWER_DEADLINE_MS, () =>
      client.workflow.executeUpdateWithStart(operateUpdate, { args: [request], startWorkflowOperation }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw refusalOf(request.kind, err);
    if (isDeadlineExceeded(err))
      throw new InstallApiError(
        'failed',
        `${clusterWorkflowId(name)}: no worker answered the ${request.kind} within ${ANSWER_DEADLINE_MS / 1000} s; is a worker running?`,
      );
    throw err;
  }
}

/**
 * The install of a cluster, through its entity: created by this Update when it does not run yet.
 * `existing: 'answer'` (a ticket's delivery): an install of that name that exists, even one that
 * ended or ran outside an entity, and an entity that refuses because the cluster is installed or
 * installing, answer `started: false` instead of a conflict: a ticket starts its install once.
 */
export async function installThroughCluster(
  client: Client,
  spec: Installation,
  opts: { by?: Actor; existing?: 'refuse' | 'answer' } = {},
): Promise<{ id: string; started: boolean; cluster: string }> {
  const cluster = clusterWorkflowId(spec.metadata.name);
  const id = installWorkflowId(spec.metadata.name);
  if (opts.existing === 'answer' && (await exists(client, id))) return { id, started: false, cluster };
  try {
    const answer = await withStart(client, spec, { kind: 'install', spec, ...(opts.by ? { by: opts.by } : {}) }, taskQueue());
    return { id: answer.workflowId!, started: true, cluster };
  } catch (err) {
    if (opts.existing === 'answer' && err instanceof InstallApiError && err.kind === 'conflict') return { id, started: false, cluster };
    throw err;
  }
}

async function exists(client: Client, id: string): Promise<boolean> {
  return client.workflow
    .getHandle(id)
    .describe()
    .then(
      () => true,
      (err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      },
    );
}

/**
 * An install that completed outside its cluster's entity (a Web UI start, a resumed run, an
 * install from before entities) becomes the entity's: its spec, phases and admin.conf. `queue`:
 * the task queue of the entity, should this create it.
 */
export async function adoptInstall(client: Client, name: string, by?: Actor, queue = taskQueue()): Promise<OperationAnswer> {
  const id = installWorkflowId(name);
  const status = await fetchStatus(client, id);
  if (status.state !== 'completed')
    throw new InstallApiError('conflict', `adopt refused: ${id} has not completed (state ${status.state}); only a completed install is adopted`);
  return adoptCompleted(client, await originalSpec(client, id), status, queue, by);
}

/** The adoption itself, from the spec and status at hand: an install that ends outside an entity adopts itself (activities/cluster.ts). */
export function adoptCompleted(client: Client, spec: Installation, status: InstallStatus, queue: string, by?: Actor): Promise<OperationAnswer> {
  const install = { id: installWorkflowId(spec.metadata.name), status: { state: status.state, phases: status.phases, handoffs: status.handoffs } };
  return withStart(client, spec, { kind: 'adopt', spec, install, ...(by ? { by } : {}) }, queue);
}

/** A day-2 operation: the entity's answer (the child workflow running it), or its refusal with the reason. */
export function operateCluster(client: Client, name: string, request: OperationRequest, updateId?: string): Promise<OperationAnswer> {
  const id = clusterWorkflowId(name);
  // `updateId`: a redelivered ticket's request is the same Update, answered as the first was.
  return askUpdate(client, id, operateUpdate, request, { updateId, notRunning: () => notRunning(client, name, request.kind) });
}

/** The entity's status: live from a worker, else as its last run ended. */
export async function clusterStatus(client: Client, name: string): Promise<ClusterStatus> {
  try {
    return await client.workflow.getHandle(clusterWorkflowId(name)).query(clusterStatusQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new InstallApiError('not-found', `no cluster ${name} on this server (kinstall cluster list)`);
    throw err;
  }
}

async function notRunning(client: Client, name: string, kind: string): Promise<InstallApiError> {
  const status = await clusterStatus(client, name).catch((err: unknown) => err);
  if (status instanceof InstallApiError) return status;
  const state = (status as ClusterStatus | undefined)?.state;
  return new InstallApiError(
    'conflict',
    `${kind} refused: cluster ${name} ${state === 'reset' ? 'was reset' : 'has ended'}; kinstall start SPEC installs it again`,
  );
}

export interface ClusterRow {
  name: string;
  flow: string;
  state: string;
  kubernetes: string;
  katonic: string;
  nodes: number;
  current: string;
}

/** Every cluster entity the server knows, newest first, from the summary each publishes in its memo. */
export async function listClusters(client: Client): Promise<ClusterRow[]> {
  const rows: ClusterRow[] = [];
  const seen = new Set<string>();
  for await (const wf of listingClient(client).workflow.list({ query: `WorkflowType = '${CLUSTER_WORKFLOW}'` })) {
    // An entity that continued as new lists each run: its newest (listed first) is the cluster.
    if (seen.has(wf.workflowId)) continue;
    seen.add(wf.workflowId);
    const memo = ((await wf.memo) as { cluster?: Partial<ClusterRow> & { versions?: { kubernetes?: string; katonic?: string } } } | undefined)?.cluster;
    rows.push({
      name: memo?.name ?? wf.workflowId.replace(/^cluster-/, ''),
      flow: memo?.flow ?? '',
      state: wf.status.name === 'RUNNING' ? (memo?.state ?? 'new') : (memo?.state ?? wf.status.name.toLowerCase()),
      kubernetes: memo?.versions?.kubernetes ?? '',
      katonic: memo?.versions?.katonic ?? '',
      nodes: Number(memo?.nodes ?? 0),
      current: memo?.current ?? '',
    });
  }
  return rows;
}
