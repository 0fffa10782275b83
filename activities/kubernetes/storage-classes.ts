// StorageClasses that already exist are checked before anything is applied: a class whose
// provisioner, parameters, reclaim policy or binding mode differ cannot be changed (the API
// server refuses), so the phase stops, naming each difference, and leaves the class alone.
import { ApplicationFailure } from '@temporalio/common';
import { StorageV1Api, type KubeConfig } from '@kubernetes/client-node';
import { describeConflicts, storageClassConflicts, type StorageClassConflict } from '../../lib/storage/storage-class-check.js';
import type { KubeObject } from '../../lib/storage/storage-objects.js';
import { readIfExists } from './kube-client.js';

export async function refuseStorageClassConflicts(kc: KubeConfig, objects: KubeObject[], phase: string): Promise<void> {
  const api = kc.makeApiClient(StorageV1Api);
  const conflicts: StorageClassConflict[] = [];
  for (const wanted of objects.filter((o) => o.kind === 'StorageClass')) {
    const existing = await readIfExists(() => api.readStorageClass({ name: wanted.metadata.name }));
    if (existing) conflicts.push(...storageClassConflicts(existing as unknown as Record<string, unknown>, wanted));
  }
  if (conflicts.length) {
    throw ApplicationFailure.create({
      type: 'StorageClassConflict',
      message: `${phase}: ${describeConflicts(conflicts)}. A StorageClass cannot be changed in place: delete it (if no volume uses it) or install with matching storage settings, then retry`,
      nonRetryable: true,
      details: [{ phase, conflicts }],
    });
  }
}
