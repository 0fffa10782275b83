// What `kinstall plan` can tell about a managed cluster before anything runs: the preflight
// findings and what the storage-classes phase would do with each class, read with the spec's
// kubeconfig reference from this machine. Plan changes nothing, so a cluster it cannot read is
// reported, not an error.
import { kubernetesCall } from '../activities/kubernetes/api-errors.js';
import { managedKubeconfig, kubeConfigFrom } from '../activities/kubernetes/cluster-kubeconfig.js';
import { readManagedCluster } from '../activities/kubernetes/read-managed-cluster.js';
import { storageClassDecisions } from '../activities/kubernetes/storage-classes.js';
import { managedPreflightReport, managedRequirements, type ManagedPreflightReport } from '../lib/preflight/managed-rules.js';
import type { ManagedInstallation } from '../lib/spec/schema.js';
import { describeDecision } from '../lib/storage/storage-class-check.js';
import type { KubeObject } from '../lib/storage/storage-objects.js';

export type ClusterPreview = { report: ManagedPreflightReport; storageClasses: string[] } | { notRead: string };

export async function previewManagedCluster(spec: ManagedInstallation, manifests: KubeObject[]): Promise<ClusterPreview> {
  try {
    const kc = kubeConfigFrom(await managedKubeconfig(spec.spec.managed, 'plan'));
    const target = { phase: 'plan', kubeconfig: spec.spec.managed.kubeconfigRef };
    const [observed, decisions] = await kubernetesCall(target, 'reading the cluster', () =>
      Promise.all([readManagedCluster(kc, spec.spec.katonic, 'this machine'), storageClassDecisions(kc, manifests)]),
    );
    return {
      report: managedPreflightReport(observed, managedRequirements(spec)),
      storageClasses: [...decisions].map(([name, decision]) => describeDecision(name, decision)),
    };
  } catch (err) {
    // The messages are the worker's; here the reference is read on this machine.
    return { notRead: (err as Error).message.replace(/^plan: /, '').replace(/\bthe worker\b/g, 'this machine') };
  }
}
