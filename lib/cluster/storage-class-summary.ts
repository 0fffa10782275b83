// A StorageClass as a drift check compares it (ObservedStorageClass): the same summary of the
// classes the install applies (lib/storage) and of those the Kubernetes API returns, so both
// sides are read alike.
import type { Handoffs } from '../install/phase-io.js';
import type { Installation } from '../spec/schema.js';
import { storageObjectsFor } from '../storage/cluster-storage.js';
import type { ObservedStorageClass } from './live-cluster.js';

/** The annotation that makes a class the cluster's default. */
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

export interface StorageClassObject {
  metadata?: { name?: string; annotations?: Record<string, string> };
  provisioner?: unknown;
  reclaimPolicy?: unknown;
  volumeBindingMode?: unknown;
  parameters?: unknown;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The fields a drift check compares, of a StorageClass object (as applied, or as the API returned it). */
export function storageClassSummary(object: StorageClassObject): ObservedStorageClass {
  const parameters = object.parameters && typeof object.parameters === 'object' ? (object.parameters as Record<string, string>) : undefined;
  return {
    name: object.metadata?.name ?? '',
    provisioner: text(object.provisioner) ?? '',
    ...(text(object.reclaimPolicy) ? { reclaimPolicy: text(object.reclaimPolicy) } : {}),
    ...(text(object.volumeBindingMode) ? { volumeBindingMode: text(object.volumeBindingMode) } : {}),
    ...(parameters ? { parameters } : {}),
    isDefault: object.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true',
  };
}

/** kdisk and kfs as the install applies them for this spec. */
export function expectedStorageClasses(doc: Installation, found: Pick<Handoffs, 'eksAutoMode'> = {}): ObservedStorageClass[] {
  return storageObjectsFor(doc, found)
    .filter((o) => o.kind === 'StorageClass')
    .map(storageClassSummary);
}
