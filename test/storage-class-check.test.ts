import { describeConflicts, storageClassConflicts } from '../lib/storage/storage-class-check.js';
import type { KubeObject } from '../lib/storage/storage-objects.js';

const wanted: KubeObject = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'kdisk', labels: { 'app.kubernetes.io/managed-by': 'katonic-installer' } },
  provisioner: 'katonic.ai/nfs',
  parameters: { archiveOnDelete: 'true', pathPattern: 'x' },
  reclaimPolicy: 'Delete',
  allowVolumeExpansion: true,
  volumeBindingMode: 'Immediate',
};

describe('StorageClass conflicts (pure): the fields the API server will not let an update change', () => {
  it('finds none in the same class, whatever the key order, labels or mutable fields', () => {
    const existing = {
      ...wanted,
      metadata: { name: 'kdisk', resourceVersion: '42' },
      parameters: { pathPattern: 'x', archiveOnDelete: 'true' },
      allowVolumeExpansion: false,
    };
    expect(storageClassConflicts(existing, wanted)).toEqual([]);
  });

  it('takes the API server defaults for what a class leaves out (reclaimPolicy Delete, volumeBindingMode Immediate, no parameters)', () => {
    const sparse: KubeObject = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'kfs' }, provisioner: 'p' };
    expect(storageClassConflicts({ metadata: { name: 'kfs' }, provisioner: 'p', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' }, sparse)).toEqual([]);
  });

  it('names the class, each field and both values', () => {
    const existing = {
      metadata: { name: 'kdisk' },
      provisioner: 'rancher.io/local-path',
      parameters: { archiveOnDelete: 'true', pathPattern: 'x' },
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
    };
    const conflicts = storageClassConflicts(existing, wanted);
    expect(conflicts).toEqual([
      { name: 'kdisk', field: 'provisioner', existing: 'rancher.io/local-path', wanted: 'katonic.ai/nfs' },
      { name: 'kdisk', field: 'reclaimPolicy', existing: 'Retain', wanted: 'Delete' },
      { name: 'kdisk', field: 'volumeBindingMode', existing: 'WaitForFirstConsumer', wanted: 'Immediate' },
    ]);
    expect(describeConflicts(conflicts.slice(0, 1))).toBe('StorageClass kdisk exists with provisioner rancher.io/local-path, the install wants katonic.ai/nfs');
  });

  it('shows parameters as sorted JSON, so the message is the same whatever order the API returned them in', () => {
    const [conflict] = storageClassConflicts({ ...wanted, parameters: { pathPattern: 'y', archiveOnDelete: 'true' } }, wanted);
    expect(conflict).toEqual({
      name: 'kdisk',
      field: 'parameters',
      existing: '{"archiveOnDelete":"true","pathPattern":"y"}',
      wanted: '{"archiveOnDelete":"true","pathPattern":"x"}',
    });
  });
});
