// What the managed preflight judges, read through the Kubernetes API: the server version, the
// nodes (paginated: clusters of hundreds of nodes), the DaemonSets of the system namespaces
// (for the CNI), the CSIDriver objects and the meshes (read-mesh.ts), each cut down to what the
// rules read.
import { AppsV1Api, CoreV1Api, StorageV1Api, VersionApi, type KubeConfig, type V1DaemonSet, type V1Node } from '@kubernetes/client-node';
import { CNI_NAMESPACES, type ObservedDaemonSet, type ObservedManagedCluster, type ObservedNode } from '../../lib/preflight/managed-rules.js';
import { listAll } from './kube-client.js';
import { readMesh } from './read-mesh.js';

export function observedNode(node: V1Node): ObservedNode {
  const status = node.status;
  return {
    name: node.metadata?.name ?? '',
    labels: node.metadata?.labels ?? {},
    capacity: status?.capacity ?? {},
    allocatable: status?.allocatable ?? {},
    containerRuntimeVersion: status?.nodeInfo?.containerRuntimeVersion ?? '',
    kubeletVersion: status?.nodeInfo?.kubeletVersion ?? '',
    ready: (status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
  };
}

export function observedDaemonSet(ds: V1DaemonSet): ObservedDaemonSet {
  const containers = [...(ds.spec?.template.spec?.initContainers ?? []), ...(ds.spec?.template.spec?.containers ?? [])];
  return {
    namespace: ds.metadata?.namespace ?? '',
    name: ds.metadata?.name ?? '',
    containers: containers.map((c) => ({ name: c.name, image: c.image ?? '', args: [...(c.command ?? []), ...(c.args ?? [])] })),
  };
}

export async function readManagedCluster(kc: KubeConfig): Promise<ObservedManagedCluster> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const storage = kc.makeApiClient(StorageV1Api);
  const [version, nodes, daemonSets, csiDrivers, mesh] = await Promise.all([
    kc.makeApiClient(VersionApi).getCode(),
    listAll((page) => core.listNode(page)),
    Promise.all(CNI_NAMESPACES.map((namespace) => listAll((page) => apps.listNamespacedDaemonSet({ namespace, ...page })))),
    listAll((page) => storage.listCSIDriver(page)),
    readMesh(kc),
  ]);
  return {
    serverVersion: version.gitVersion,
    nodes: nodes.map(observedNode),
    daemonSets: daemonSets.flat().map(observedDaemonSet),
    csiDrivers: csiDrivers.map((d) => d.metadata?.name ?? ''),
    mesh,
  };
}
