// The storage objects each flow applies through the Kubernetes API: on-prem the provisioners
// and their kdisk / kfs classes, on AKS and EKS the classes on the cloud's CSI drivers.
import type { Installation } from '../spec/schema.js';
import { managedStorageClasses } from './managed-storage-classes.js';
import { onpremStorageObjects, type KubeObject } from './storage-objects.js';

export function storageObjectsFor(doc: Installation): KubeObject[] {
  const { spec } = doc;
  return spec.flow === 'onprem' ? onpremStorageObjects(spec.onprem.storage) : managedStorageClasses(spec.flow, spec.managed);
}
