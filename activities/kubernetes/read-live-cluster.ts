// The live cluster as a drift check compares it (lib/cluster/live-cluster.ts): the nodes, every
// StorageClass, which of the expected namespaces exist, and the CNI node agents that run
// (lib/cluster/cni-agents.ts: known by their images), read through the API (lists paginated: clusters of hundreds of nodes).
import { AppsV1Api, CoreV1Api, StorageV1Api, type KubeConfig, type V1DaemonSet, type V1Node, type V1StorageClass } from '@kubernetes/client-node';
import { CNI_AGENT_NAMESPACES, isCniAgent } from '../../lib/cluster/cni-agents.js';
import type { ObservedCluster, ObservedCni, ObservedNode, ObservedStorageClass } from '../../lib/cluster/live-cluster.js';
import { listAll } from './kube-client.js';
import { observedDaemonSet } from './read-managed-cluster.js';

const ROLE_LABEL = 'node-role.kubernetes.io/';
// The beta annotation is still honoured by the API server's DefaultStorageClass admission.
const DEFAULT_CLASS_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export function liveNode(node: V1Node): ObservedNode {
  const labels = node.metadata?.labels ?? {};
  return {
    name: node.metadata?.name ?? '',
    kubeletVersion: (node.status?.nodeInfo?.kubeletVersion ?? '').replace(/^v/, ''),
    ready: (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    roles: Object.keys(labels)
      .filter((key) => key.startsWith(ROLE_LABEL) && key.length > ROLE_LABEL.length)
      .map((key) => key.slice(ROLE_LABEL.length))
      .sort(),
    unschedulable: Boolean(node.spec?.unschedulable),
  };
}

export function liveStorageClass(sc: V1StorageClass): ObservedStorageClass {
  const annotations = sc.metadata?.annotations ?? {};
  return {
    name: sc.metadata?.name ?? '',
    provisioner: sc.provisioner,
    ...(sc.reclaimPolicy ? { reclaimPolicy: sc.reclaimPolicy } : {}),
    ...(sc.volumeBindingMode ? { volumeBindingMode: sc.volumeBindingMode } : {}),
    ...(sc.parameters ? { parameters: sc.parameters } : {}),
    isDefault: DEFAULT_CLASS_ANNOTATIONS.some((key) => annotations[key] === 'true'),
  };
}

export function liveCni(ds: V1DaemonSet): ObservedCni {
  return {
    name: ds.metadata?.name ?? '',
    namespace: ds.metadata?.namespace ?? '',
    desired: ds.status?.desiredNumberScheduled ?? 0,
    ready: ds.status?.numberReady ?? 0,
  };
}

export async function readLiveCluster(kc: KubeConfig, opts: { namespaces: string[] }): Promise<ObservedCluster> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const storage = kc.makeApiClient(StorageV1Api);
  const [nodes, classes, namespaces, daemonSets] = await Promise.all([
    listAll((page) => core.listNode(page)),
    listAll((page) => storage.listStorageClass(page)),
    listAll((page) => core.listNamespace(page)),
    // A namespace that does not exist lists no DaemonSets (no 404).
    Promise.all(CNI_AGENT_NAMESPACES.map((namespace) => listAll((page) => apps.listNamespacedDaemonSet({ namespace, ...page })))),
  ]);
  const existing = new Set(namespaces.map((n) => n.metadata?.name));
  return {
    readAt: new Date().toISOString(),
    nodes: nodes.map(liveNode),
    storageClasses: classes.map(liveStorageClass),
    namespaces: opts.namespaces.filter((ns) => existing.has(ns)),
    cni: daemonSets
      .flat()
      .filter((ds) => isCniAgent(observedDaemonSet(ds)))
      .map(liveCni),
  };
}
