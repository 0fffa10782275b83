// The storage objects each flow applies through the Kubernetes API: on-prem the provisioners
// and their kdisk / kfs classes, on AKS and EKS the classes on the cloud's CSI drivers (EKS Auto
// Mode's when the managed preflight found an Auto Mode cluster and handed that on).
import type { Handoffs } from '../install/phase-io.js';
import { managedCloud } from '../managed/clouds.js';
import type { Installation } from '../spec/schema.js';
import { managedStorageClasses } from './managed-storage-classes.js';
import { onpremStorageObjects, type KubeObject } from './storage-objects.js';

export function storageObjectsFor(doc: Installation, found: Pick<Handoffs, 'eksAutoMode'> = {}): KubeObject[] {
  const { spec } = doc;
  if (spec.flow === 'onprem') return onpremStorageObjects(spec.onprem.storage);
  return managedStorageClasses(spec.flow, managedCloud(spec.flow, found.eksAutoMode), spec.managed);
}
