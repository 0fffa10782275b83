// The client API of clusters (workflows/cluster.ts): an install through its cluster's entity
// (Update-with-Start: the first install creates it), the day-2 operations, the entity's status,
// its log and the list of clusters. Fails with InstallApiError only, like the install API.
import { Client, WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { ClusterStatus } from '../../lib/cluster/cluster-status.js';
import type { Actor } from '../../lib/install/actor.js';
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
import { ANSWER_DEADLINE_MS, askUpdate, isDeadlineExceeded, refusalOf } from './installs.js';

export type OperationAnswer = OperationAccepted & { drift?: DriftReport };

/**
 * The install of a cluster, through its entity: created by this Update when it does not run yet.
 * `existing: 'answer'` (a ticket's redelivery): an entity that refuses because the cluster is
 * installed or installing answers `started: false` instead of a conflict.
 */
export async function installThroughCluster(
  client: Client,
  spec: Installation,
  opts: { by?: Actor; existing?: 'refuse' | 'answer' } = {},
): Promise<{ id: string; started: boolean; cluster: string }> {
  const name = spec.metadata.name;
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof cluster>(CLUSTER_WORKFLOW, {
    workflowId: clusterWorkflowId(name),
    taskQueue: taskQueue(),
    args: [{ name }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    memo: { cluster: { name, flow: spec.spec.flow, state: 'new' } },
  });
  const request: OperationRequest = { kind: 'install', spec, ...(opts.by ? { by: opts.by } : {}) };
  try {
    const answer = await client.connection.withDeadline(Date.now() + ANSWER_DEADLINE_MS, () =>
      client.workflow.executeUpdateWithStart(operateUpdate, { args: [request], startWorkflowOperation }),
    );
    return { id: answer.workflowId!, started: true, cluster: clusterWorkflowId(name) };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const refusal = refusalOf('install', err);
      if (opts.existing === 'answer' && refusal.kind === 'conflict') return { id: `install-${name}`, started: false, cluster: clusterWorkflowId(name) };
      throw refusal;
    }
    if (isDeadlineExceeded(err))
      throw new InstallApiError(
        'failed',
        `${clusterWorkflowId(name)}: no worker answered the install within ${ANSWER_DEADLINE_MS / 1000} s; is a worker running?`,
      );
    throw err;
  }
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
  for await (const wf of client.workflow.list({ query: `WorkflowType = '${CLUSTER_WORKFLOW}'` })) {
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
