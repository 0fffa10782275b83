// What the cluster's spec says the live cluster is: its nodes and their Kubernetes version, the
// storage classes the install applied, the Katonic namespaces, the CNI agent (on-prem, Kubespray's;
// a managed cluster's is the cloud's, and preflight accepted whichever it found).
import { NETWORK_PLUGIN } from '../inventory/group-vars.js';
import { KATONIC_NAMESPACES } from '../katonic-platform.js';
import type { Handoffs } from '../install/phase-io.js';
import type { Installation } from '../spec/schema.js';
import type { ExpectedCluster } from './live-cluster.js';
import { expectedStorageClasses } from './storage-class-summary.js';

export function expectedCluster(spec: Installation, kubernetesVersion: string | undefined, found: Pick<Handoffs, 'eksAutoMode'> = {}): ExpectedCluster {
  const onprem = spec.spec.onprem;
  return {
    nodes: (onprem?.nodes ?? []).map((n) => ({ name: n.name, roles: [...n.roles] })),
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
    storageClasses: expectedStorageClasses(spec, found),
    namespaces: [...KATONIC_NAMESPACES],
    ...(onprem ? { cni: NETWORK_PLUGIN.daemonSet.name } : {}),
  };
}
