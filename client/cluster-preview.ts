// What `kinstall plan` can tell about a managed cluster before anything runs: the preflight
// findings, whether it is an EKS Auto Mode cluster, and what the storage-classes phase would do
// with each class (as it would make them for that cluster), read with the spec's kubeconfig
// reference from this machine. Plan changes nothing, so a cluster it cannot read is
// reported, not an error.
import { kubernetesCall } from '../activities/kubernetes/api-errors.js';
import { managedKubeconfig, kubeConfigFrom } from '../activities/kubernetes/cluster-kubeconfig.js';
import { readManagedCluster } from '../activities/kubernetes/read-managed-cluster.js';
import { storageClassDecisions } from '../activities/kubernetes/storage-classes.js';
import { managedPreflightReport, managedRequirements, type ManagedPreflightReport } from '../lib/preflight/managed-rules.js';
import type { ManagedInstallation } from '../lib/spec/schema.js';
import { describeDecision } from '../lib/storage/storage-class-check.js';
import { storageObjectsFor } from '../lib/storage/cluster-storage.js';

export type ClusterPreview = { report: ManagedPreflightReport; eksAutoMode: boolean; storageClasses: string[] } | { notRead: string };

export async function previewManagedCluster(spec: ManagedInstallation): Promise<ClusterPreview> {
  try {
    const kc = kubeConfigFrom(await managedKubeconfig(spec.spec.managed, 'plan'));
    const target = { phase: 'plan', kubeconfig: spec.spec.managed.kubeconfigRef };
    const [report, eksAutoMode, decisions] = await kubernetesCall(target, 'reading the cluster', async () => {
      const observed = await readManagedCluster(kc, spec.spec.katonic, 'this machine');
      const req = managedRequirements(spec, observed);
      return [managedPreflightReport(observed, req), req.eksAutoMode, await storageClassDecisions(kc, storageObjectsFor(spec, req))] as const;
    });
    return { report, eksAutoMode, storageClasses: [...decisions].map(([name, decision]) => describeDecision(name, decision)) };
  } catch (err) {
    // The messages are the worker's; here the reference is read on this machine.
    return { notRead: (err as Error).message.replace(/^plan: /, '').replace(/\bthe worker\b/g, 'this machine') };
  }
}
