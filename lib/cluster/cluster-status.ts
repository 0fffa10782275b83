// A cluster entity's status: what `kinstall cluster show` prints and the entity's `status` query
// returns. Plain data, safe inside the workflow sandbox; carried whole through continue-as-new.
import type { Actor } from '../install/actor.js';
import type { Handoffs } from '../install/phase-io.js';
import type { Flow } from '../plan/phases.js';
import type { Installation } from '../spec/schema.js';
import type { DriftReport } from './live-cluster.js';
import type { OperationKind } from './operation.js';

export type ClusterState = 'new' | 'installing' | 'ready' | 'operating' | 'reset';
export type OperationOutcome = 'running' | 'completed' | 'failed' | 'cancelled' | 'refused';

export interface OperationRecord {
  /** 1, 2, ...: the operation's number in the cluster's life (its child workflow's id ends with it). */
  seq: number;
  kind: OperationKind;
  /** As the command says it: "upgrade --kube 1.34.2". */
  description: string;
  /** The child workflow that runs it (none for a drift check, which the entity runs itself). */
  workflowId?: string;
  by?: Actor;
  startedAt: string;
  endedAt?: string;
  outcome: OperationOutcome;
  /** How it ended: the child's error, the drift found. */
  summary?: string;
}

export interface ClusterVersions {
  /** Without "v"; absent when the spec left it to the Kubespray checkout's default. */
  kubernetes?: string;
  katonic: string;
  /** The Kubespray checkout that manages the cluster (the last upgrade's). */
  kubesprayDir?: string;
}

export interface ClusterStatus {
  name: string;
  flow: Flow;
  ticket?: string;
  state: ClusterState;
  createdAt: string;
  /** The cluster as its last completed operation left it (secrets stay references). */
  spec: Installation;
  nodes: { name: string; roles: string[] }[];
  versions: ClusterVersions;
  /** Per phase name, the input hash of its last completed run. */
  lastApplied: Record<string, string>;
  /** What operations need from the install: Kubespray's admin.conf, sealed; whether preflight found EKS Auto Mode (kdisk's driver). */
  handoffs?: Pick<Handoffs, 'adminConf' | 'eksAutoMode'>;
  current?: OperationRecord;
  /** Every operation, oldest first (the oldest dropped past LOG_LIMIT, counted). */
  log: OperationRecord[];
  logDropped?: number;
  lastDrift?: DriftReport;
}
