// The storage objects each flow applies through the Kubernetes API: on-prem the provisioners
// and their kdisk / kfs classes, on AKS and EKS the classes on the cloud's CSI drivers.
import { isManagedFlow } from '../managed/clouds.js';
import type { Installation } from '../spec/schema.js';
import { managedStorageClasses } from './managed-storage-classes.js';
import { onpremStorageObjects, type KubeObject } from './storage-objects.js';

/** The objects, or why the spec has none (it lacks the section its flow needs). */
export function storageObjectsFor(doc: Installation): KubeObject[] | { missing: string } {
  const { flow, onprem, managed } = doc.spec;
  if (isManagedFlow(flow)) return managed ? managedStorageClasses(flow, managed) : { missing: 'spec.managed' };
  return onprem ? onpremStorageObjects(onprem.storage) : { missing: 'spec.onprem.storage' };
}
