// What the managed preflight judges, read through the Kubernetes API: the server version, the
// nodes (paginated: clusters of hundreds of nodes), the DaemonSets of the system namespaces
// (for the CNI), the CNI ConfigMaps that say whether NetworkPolicy is on (Cilium's, the VPC
// CNI's) and the CSIDriver objects, the meshes (read-mesh.ts), each cut down to what the rules read; and the FQDN through DNS.
import { AppsV1Api, CoreV1Api, StorageV1Api, VersionApi, type KubeConfig, type V1DaemonSet, type V1Node } from '@kubernetes/client-node';
import { CNI_AGENT_NAMESPACES, CNI_CONFIG_MAPS, configMapKey, type CniConfigMaps } from '../../lib/cluster/cni-agents.js';
import type { ObservedDaemonSet, ObservedManagedCluster, ObservedNode } from '../../lib/preflight/managed-rules.js';
import type { Installation } from '../../lib/spec/schema.js';
import { resolveFqdn } from '../checks/resolve-fqdn.js';
import { listAll, readIfExists } from './kube-client.js';
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

/** The CNI ConfigMaps that exist, by "namespace/name" (one that is not there is left out). */
async function readCniConfig(core: CoreV1Api): Promise<CniConfigMaps> {
  const found = await Promise.all(
    CNI_CONFIG_MAPS.map(async (which) => {
      const cm = await readIfExists(() => core.readNamespacedConfigMap(which));
      return cm ? [[configMapKey(which), cm.data ?? {}] as const] : [];
    }),
  );
  return Object.fromEntries(found.flat());
}

/** `where` names the machine reading, for the DNS answer: "the worker", "this machine". */
export async function readManagedCluster(kc: KubeConfig, katonic: Installation['spec']['katonic'], where?: string): Promise<ObservedManagedCluster> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const storage = kc.makeApiClient(StorageV1Api);
  const [version, nodes, daemonSets, cniConfig, csiDrivers, fqdn, mesh] = await Promise.all([
    kc.makeApiClient(VersionApi).getCode(),
    listAll((page) => core.listNode(page)),
    Promise.all(CNI_AGENT_NAMESPACES.map((namespace) => listAll((page) => apps.listNamespacedDaemonSet({ namespace, ...page })))),
    readCniConfig(core),
    listAll((page) => storage.listCSIDriver(page)),
    resolveFqdn(katonic, where),
    readMesh(kc),
  ]);
  return {
    serverVersion: version.gitVersion,
    nodes: nodes.map(observedNode),
    daemonSets: daemonSets.flat().map(observedDaemonSet),
    cniConfig,
    csiDrivers: csiDrivers.map((d) => d.metadata?.name ?? ''),
    fqdn,
    mesh,
  };
}
