// StorageClasses that already exist are checked before anything is applied: a class whose
// provisioner, parameters, reclaim policy or binding mode differ cannot be changed (the API
// server refuses), so the phase stops, naming each difference, and leaves the class alone;
// a class that is as wanted but was not made by the installer is not applied over.
import { StorageV1Api, type KubeConfig } from '@kubernetes/client-node';
import { describeConflicts, storageClassDecision, type ExistingStorageClass, type StorageClassDecision } from '../../lib/storage/storage-class-check.js';
import type { KubeObject } from '../../lib/storage/storage-objects.js';
import { phaseFailure } from '../phase-failure.js';
import { kubernetesCall } from './api-errors.js';
import type { ClusterApi } from './cluster-kubeconfig.js';
import { readIfExists } from './kube-client.js';

/** The decision for each StorageClass among `objects`, from the classes that exist now. */
export async function storageClassDecisions(kc: KubeConfig, objects: KubeObject[]): Promise<Map<string, StorageClassDecision>> {
  const api = kc.makeApiClient(StorageV1Api);
  const decisions = new Map<string, StorageClassDecision>();
  for (const wanted of objects.filter((o) => o.kind === 'StorageClass')) {
    const existing = await readIfExists(() => api.readStorageClass({ name: wanted.metadata.name }));
    decisions.set(wanted.metadata.name, storageClassDecision(existing as ExistingStorageClass | undefined, wanted));
  }
  return decisions;
}

/** The objects to apply: the classes to leave alone taken out; a conflict stops the phase before anything is applied. */
export async function refuseStorageClassConflicts(cluster: ClusterApi, objects: KubeObject[]): Promise<KubeObject[]> {
  const decisions = await kubernetesCall(cluster, 'reading the StorageClasses', () => storageClassDecisions(cluster.kc, objects));
  const conflicts = [...decisions.values()].flatMap((d) => (d.action === 'conflict' ? d.conflicts : []));
  if (conflicts.length) {
    throw phaseFailure(
      'StorageClassConflict',
      `${cluster.phase}: ${describeConflicts(conflicts)}. A StorageClass cannot be changed in place: delete it (if no volume uses it) or install with matching storage settings, then retry`,
      { conflicts },
    );
  }
  return objects.filter((o) => !(o.kind === 'StorageClass' && decisions.get(o.metadata.name)?.action === 'leave'));
}
