// The cluster entity's interface (workflows/cluster.ts): its id, messages and arguments. Imported
// by the workflow and by clients (CLI, webhook), so both speak the same names.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { OperationAccepted, OperationRequest } from '../lib/cluster/cluster-entity.js';
import type { ClusterStatus } from '../lib/cluster/cluster-status.js';
import type { DriftReport } from '../lib/cluster/live-cluster.js';
import type { Actor } from '../lib/install/actor.js';

export { clusterWorkflowId } from '../lib/cluster/cluster-entity.js';
export type { OperationAccepted, OperationRequest };

export const CLUSTER_WORKFLOW = 'cluster';
export const CLUSTER_OPERATION_WORKFLOW = 'clusterOperation';
export const DRIFT_CHECK_WORKFLOW = 'scheduledDriftCheck';
/** The Temporal Schedule that checks a cluster for drift daily: created with the entity's install, deleted at its reset. */
export const driftScheduleId = (name: string): string => `drift-${name}`;

export interface ClusterArguments {
  name: string;
  /** Carried through continue-as-new: the whole status, the log with it. */
  status?: ClusterStatus;
}

export const clusterStatusQuery = defineQuery<ClusterStatus>('status');
/** Every operation: the validator answers at once (refused: why), the handler when its child workflow started. */
export const operateUpdate = defineUpdate<OperationAccepted & { drift?: DriftReport }, [OperationRequest]>('operate');
/** The daily Schedule's drift check: run when the cluster is idle, else noted as skipped. */
export const checkDriftSignal = defineSignal<[{ by?: Actor }]>('check-drift');
