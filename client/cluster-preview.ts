// What `kinstall plan` can tell about a managed cluster before anything runs: the preflight
// findings, read with the spec's kubeconfig reference from this machine. Plan changes
// nothing, so a cluster it cannot read is reported, not an error.
import { managedKubeconfig, kubeConfigFrom } from '../activities/kubernetes/cluster-kubeconfig.js';
import { readManagedCluster } from '../activities/kubernetes/read-managed-cluster.js';
import { checkManagedCluster, managedRequirements, type ManagedPreflightReport } from '../lib/preflight/managed-rules.js';
import type { Installation } from '../lib/spec/schema.js';

export type ClusterPreview = { report: ManagedPreflightReport } | { notRead: string };

export async function previewManagedCluster(spec: Installation): Promise<ClusterPreview> {
  try {
    const kc = kubeConfigFrom(await managedKubeconfig(spec, 'plan'));
    return { report: checkManagedCluster(await readManagedCluster(kc), managedRequirements(spec)) };
  } catch (err) {
    // The messages are the worker's; here the reference is read on this machine.
    return { notRead: (err as Error).message.replace(/^plan: /, '').replace(/\bthe worker\b/g, 'this machine') };
  }
}
