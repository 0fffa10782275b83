// What `verify` expects of a finished install, judged from what the Kubernetes API returned:
// the nodes Ready, kdisk and kfs as the install made them, the Katonic namespaces, and the
// workloads the install created (storage provisioners, the CNI's DaemonSet) Available.
import type { Handoffs } from '../install/phase-io.js';
import { KATONIC_NAMESPACES } from '../katonic-platform.js';
import { NETWORK_PLUGIN } from '../inventory/group-vars.js';
import { DEPLOYED_MESH } from '../mesh/istio-mesh.js';
import { meshSettings } from '../spec/mesh-settings.js';
import { isOnpremInstallation, type Installation, type ManagedInstallation, type OnpremInstallation } from '../spec/schema.js';
import { storageObjectsFor } from '../storage/cluster-storage.js';
import { storageClassConflicts } from '../storage/storage-class-check.js';
import { onpremStorageObjects, type KubeObject } from '../storage/storage-objects.js';

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface WorkloadRef {
  kind: 'Deployment' | 'DaemonSet';
  namespace: string;
  name: string;
}

export interface ObservedWorkload extends WorkloadRef {
  found: boolean;
  generation?: number;
  observedGeneration?: number;
  /** Replicas wanted (Deployment) or pods to schedule (DaemonSet). */
  desired: number;
  available: number;
  conditions: Condition[];
}

export interface ObservedCluster {
  nodes: { name: string; ready: boolean; conditions?: Condition[] }[];
  /** The StorageClasses as the API returned them (name in metadata). */
  storageClasses: (Record<string, unknown> & { metadata?: { name?: string } })[];
  namespaces: string[];
  workloads: ObservedWorkload[];
}

export interface ClusterExpectations {
  /** The spec's node names (on-prem); managed clusters only need one Ready node. */
  nodeNames?: string[];
  /** Nodes a remove-node took out: still registered is a problem. */
  absentNodes?: string[];
  /** kdisk and kfs as the install applies them. */
  storageClasses: KubeObject[];
  namespaces: readonly string[];
  workloads: WorkloadRef[];
}

/** The istiod the Katonic role deploys in mesh mode deploy: verify waits for it as for the install's other workloads. */
const meshWorkloads = (doc: Installation): WorkloadRef[] =>
  meshSettings(doc).mode === 'deploy' ? [{ kind: 'Deployment', namespace: DEPLOYED_MESH.namespace, name: DEPLOYED_MESH.deployment }] : [];

/** What an on-prem install leaves: its nodes, its storage objects, Kubespray's CNI, the mesh it deployed (`mesh`: unless the run is from before the seed's checks). */
export function onpremExpectations(doc: OnpremInstallation, mesh = true): ClusterExpectations {
  const onprem = doc.spec.onprem;
  const storage = onpremStorageObjects(onprem.storage);
  const byKind = (kind: string) => storage.filter((o) => o.kind === kind);
  return {
    nodeNames: onprem.nodes.map((n) => n.name),
    storageClasses: byKind('StorageClass'),
    namespaces: KATONIC_NAMESPACES,
    workloads: [
      ...byKind('Deployment').map((d) => ({ kind: 'Deployment' as const, namespace: d.metadata.namespace ?? 'default', name: d.metadata.name })),
      { kind: 'DaemonSet', ...NETWORK_PLUGIN.daemonSet },
      ...(mesh ? meshWorkloads(doc) : []),
    ],
  };
}

/** What a managed install leaves: one Ready node at least, kdisk and kfs (as the storage-classes phase applied them for the cluster preflight found), the Katonic namespaces (the CNI is the cloud's, checked by preflight). */
export function managedExpectations(doc: ManagedInstallation, found: Pick<Handoffs, 'eksAutoMode'> = {}, mesh = true): ClusterExpectations {
  return { storageClasses: storageObjectsFor(doc, found), namespaces: KATONIC_NAMESPACES, workloads: mesh ? meshWorkloads(doc) : [] };
}

/**
 * What verify expects of the cluster the spec describes; after a remove-node (`absentNodes`),
 * without that node. `mesh` false: a run from before the seed's checks, whose role was not asked
 * for the mesh.
 */
export function verifyExpectations(doc: Installation, absentNodes: string[] = [], found: Pick<Handoffs, 'eksAutoMode'> = {}, mesh = true): ClusterExpectations {
  if (!isOnpremInstallation(doc)) return managedExpectations(doc, found, mesh);
  const expected = onpremExpectations(doc, mesh);
  if (!absentNodes.length) return expected;
  return { ...expected, nodeNames: expected.nodeNames?.filter((n) => !absentNodes.includes(n)), absentNodes };
}

const describeConditions = (conditions: Condition[]) =>
  conditions
    .filter((c) => c.status !== 'True' || c.type === 'ReplicaFailure')
    .map((c) => `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`)
    .join('; ');

function workloadProblem(w: ObservedWorkload): string | undefined {
  const id = `${w.kind} ${w.namespace}/${w.name}`;
  if (!w.found) return `${id} is missing`;
  const current = (w.observedGeneration ?? 0) >= (w.generation ?? 0);
  const availableCondition = w.conditions.find((c) => c.type === 'Available');
  const available = w.kind === 'Deployment' ? availableCondition?.status === 'True' && w.available >= w.desired : w.desired > 0 && w.available >= w.desired;
  if (available && current) return undefined;
  const why = describeConditions(w.conditions);
  return `${id} is not Available (${w.available} of ${w.desired} ${w.kind === 'Deployment' ? 'replicas' : 'pods'} available${current ? '' : ', its controller has not seen the latest change'})${why ? `: ${why}` : ''}`;
}

export function clusterProblems(observed: ObservedCluster, expected: ClusterExpectations): string[] {
  const problems: string[] = [];
  const nodes = new Map(observed.nodes.map((n) => [n.name, n]));
  for (const name of expected.nodeNames ?? []) {
    const node = nodes.get(name);
    if (!node) problems.push(`node ${name} is not registered`);
    else if (!node.ready)
      problems.push(`node ${name} is not Ready${node.conditions?.length ? `: ${describeConditions(node.conditions.filter((c) => c.type === 'Ready'))}` : ''}`);
  }
  for (const name of expected.absentNodes ?? []) if (nodes.has(name)) problems.push(`node ${name} is still registered (it was removed)`);
  if (!observed.nodes.some((n) => n.ready)) problems.push('no node is Ready');
  const classes = new Map(observed.storageClasses.map((c) => [c.metadata?.name, c]));
  for (const wanted of expected.storageClasses) {
    const existing = classes.get(wanted.metadata.name);
    if (!existing) problems.push(`storage class ${wanted.metadata.name} is missing`);
    else problems.push(...storageClassConflicts(existing, wanted).map((c) => `storage class ${c.name} has ${c.field} ${c.existing}, expected ${c.wanted}`));
  }
  for (const ns of expected.namespaces) if (!observed.namespaces.includes(ns)) problems.push(`namespace ${ns} is missing`);
  for (const workload of observed.workloads) {
    const problem = workloadProblem(workload);
    if (problem) problems.push(problem);
  }
  return problems;
}
