// What a cluster entity expects of its cluster and what the live cluster shows: the two sides a
// drift check compares (lib/cluster/drift.ts), read through the Kubernetes API by
// activities/kubernetes/read-live-cluster.ts. Plain data, safe inside the workflow sandbox.

export interface ObservedNode {
  name: string;
  /** status.nodeInfo.kubeletVersion, without the leading "v". */
  kubeletVersion: string;
  ready: boolean;
  /** From the node-role.kubernetes.io/<role> labels ("control-plane", ...). */
  roles: string[];
  unschedulable: boolean;
}

export interface ObservedStorageClass {
  name: string;
  provisioner: string;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  parameters?: Record<string, string>;
  isDefault: boolean;
}

/** A CNI's node agent as the cluster runs it (calico-node, cilium, aws-node, azure-cns, ...). */
export interface ObservedCni {
  name: string;
  namespace: string;
  desired: number;
  ready: number;
}

export interface ObservedCluster {
  readAt: string;
  nodes: ObservedNode[];
  storageClasses: ObservedStorageClass[];
  /** The Katonic namespaces that exist (of those the entity expects). */
  namespaces: string[];
  cni: ObservedCni[];
}

/** What the entity recorded the cluster to be after its last operation. */
export interface ExpectedCluster {
  nodes: { name: string; roles: string[] }[];
  /** Without the leading "v"; absent when nothing recorded one (a managed cluster before its first check). */
  kubernetesVersion?: string;
  storageClasses: ObservedStorageClass[];
  namespaces: string[];
  /** The CNI agent preflight or the install found, by DaemonSet name. */
  cni?: string;
}

export interface DriftDifference {
  /** What differs, e.g. "node worker-2", "storage class kdisk: provisioner". */
  what: string;
  expected: string;
  observed: string;
}

export interface DriftReport {
  checkedAt: string;
  differences: DriftDifference[];
}
