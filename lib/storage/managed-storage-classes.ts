// The StorageClasses a managed cluster gets: kdisk (ReadWriteOnce block storage, dynamic) and
// kfs (ReadWriteMany files, volumeBindingMode Immediate), on the cloud's CSI drivers (on EKS
// Auto Mode, kdisk on Auto Mode's own EBS driver).
import { STORAGE_CLASSES } from '../katonic-platform.js';
import { PROVISIONED_IOPS_TYPES, type Cloud, type ManagedFlow } from '../managed/clouds.js';
import type { ManagedSpec } from '../spec/managed-schema.js';
import { storageClass, type KubeObject } from './storage-objects.js';

// EBS and Azure Disk volumes live in one zone: binding waits for the pod, so the volume is
// created where the pod was scheduled.
const ZONAL = 'WaitForFirstConsumer';

function kdisk(flow: ManagedFlow, cloud: Cloud, managed: ManagedSpec): KubeObject {
  const type = managed.storage?.kdisk?.type ?? cloud.kdisk.defaultType;
  if (flow === 'eks') {
    const parameters: Record<string, string> = { type, fsType: 'ext4', encrypted: 'true' };
    const iopsPerGB = managed.storage?.kdisk?.iopsPerGB;
    if (PROVISIONED_IOPS_TYPES.includes(type) && iopsPerGB) parameters.iopsPerGB = String(iopsPerGB);
    return storageClass(STORAGE_CLASSES.rwo, cloud.kdisk.provisioner, 'ReadWriteOnce', ZONAL, parameters);
  }
  // cachingMode ReadOnly, as in the seed's managed-premium example.
  return storageClass(STORAGE_CLASSES.rwo, cloud.kdisk.provisioner, 'ReadWriteOnce', ZONAL, { skuName: type, cachingMode: 'ReadOnly' });
}

function kfs(flow: ManagedFlow, cloud: Cloud, managed: ManagedSpec): KubeObject {
  const provisioner = cloud.kfs.provisioner;
  if (flow === 'eks') {
    // One EFS access point per volume, under /katonic of the spec's file system; EFS grows by
    // itself, so volume expansion is off. "tls": encrypted in transit (efs-utils).
    const parameters = { provisioningMode: 'efs-ap', fileSystemId: managed.storage?.kfs?.fileSystemId ?? '', directoryPerms: '700', basePath: '/katonic' };
    return storageClass(STORAGE_CLASSES.rwx, provisioner, 'ReadWriteMany', 'Immediate', parameters, { allowVolumeExpansion: false, mountOptions: ['tls'] });
  }
  // Azure Files (SMB), one share per volume, with the mount options of AKS's own azurefile-csi class.
  return storageClass(
    STORAGE_CLASSES.rwx,
    provisioner,
    'ReadWriteMany',
    'Immediate',
    { skuName: 'Standard_LRS' },
    {
      mountOptions: ['dir_mode=0777', 'file_mode=0777', 'uid=0', 'gid=0', 'mfsymlinks', 'cache=strict', 'actimeo=30', 'nosharesock'],
    },
  );
}

/** kdisk and kfs on `cloud`: CLOUDS[flow], or EKS_AUTO_MODE (managedCloud). */
export function managedStorageClasses(flow: ManagedFlow, cloud: Cloud, managed: ManagedSpec): KubeObject[] {
  return [kdisk(flow, cloud, managed), kfs(flow, cloud, managed)];
}
