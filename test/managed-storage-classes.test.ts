import { readFileSync } from 'node:fs';
import type { Installation } from '../lib/spec/schema.js';
import { parseSpecText } from '../lib/spec/validate.js';
import { storageObjectsFor } from '../lib/storage/cluster-storage.js';
import type { KubeObject } from '../lib/storage/storage-objects.js';
import { fixture } from './support/repo.js';

function classes(name: string, edit?: (doc: Installation) => void): KubeObject[] {
  const result = parseSpecText(readFileSync(fixture(name), 'utf8'));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  edit?.(result.spec);
  return storageObjectsFor(result.spec);
}
const byName = (objects: KubeObject[], name: string) => objects.find((o) => o.metadata.name === name);
const MARK = { 'app.kubernetes.io/managed-by': 'katonic-installer' };

describe('managed StorageClasses (pure)', () => {
  it('EKS: kdisk on the EBS CSI driver, gp3 by default; kfs on EFS with the spec file system, Immediate', () => {
    const objects = classes('acme-eks.yaml');
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['StorageClass/kdisk', 'StorageClass/kfs']);
    expect(byName(objects, 'kdisk')).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'kdisk', labels: MARK, annotations: { 'katonic.ai/access-mode': 'ReadWriteOnce' } },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', fsType: 'ext4', encrypted: 'true' },
      reclaimPolicy: 'Delete',
      allowVolumeExpansion: true,
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    expect(byName(objects, 'kfs')).toMatchObject({
      metadata: { labels: MARK, annotations: { 'katonic.ai/access-mode': 'ReadWriteMany' } },
      provisioner: 'efs.csi.aws.com',
      parameters: { provisioningMode: 'efs-ap', fileSystemId: 'fs-0123456789abcdef0', directoryPerms: '700', basePath: '/katonic' },
      volumeBindingMode: 'Immediate',
      allowVolumeExpansion: false,
      mountOptions: ['tls'],
    });
  });

  it('EKS: gp2, io1 and io2 are selectable, io1/io2 with their provisioned IOPS', () => {
    const io2 = classes('acme-eks.yaml', (doc) => (doc.spec.managed!.storage!.kdisk = { type: 'io2', iopsPerGB: 50 }));
    expect(byName(io2, 'kdisk')?.parameters).toEqual({ type: 'io2', fsType: 'ext4', encrypted: 'true', iopsPerGB: '50' });
    const gp2 = classes('acme-eks.yaml', (doc) => (doc.spec.managed!.storage!.kdisk = { type: 'gp2' }));
    expect(byName(gp2, 'kdisk')?.parameters).toEqual({ type: 'gp2', fsType: 'ext4', encrypted: 'true' });
  });

  it('AKS: kdisk on Azure Disk with premium disks, kfs on Azure Files, Immediate', () => {
    const objects = classes('acme-aks.yaml');
    expect(byName(objects, 'kdisk')).toMatchObject({
      provisioner: 'disk.csi.azure.com',
      parameters: { skuName: 'Premium_LRS', cachingMode: 'ReadOnly' },
      volumeBindingMode: 'WaitForFirstConsumer',
      metadata: { labels: MARK },
    });
    expect(byName(objects, 'kfs')).toMatchObject({
      provisioner: 'file.csi.azure.com',
      parameters: { skuName: 'Standard_LRS' },
      volumeBindingMode: 'Immediate',
      metadata: { labels: MARK },
    });
    expect(byName(objects, 'kfs')?.mountOptions).toContain('mfsymlinks');
  });

  it('on-prem keeps its provisioners and classes, marked the same way', () => {
    const objects = classes('acme-prod.yaml');
    expect(objects.filter((o) => o.kind === 'StorageClass').map((o) => [o.metadata.name, o.metadata.labels])).toEqual([
      ['kfs', MARK],
      ['kdisk', MARK],
    ]);
  });
});
