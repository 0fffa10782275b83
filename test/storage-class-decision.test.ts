import { createdByInstaller, describeDecision, storageClassDecision } from '../lib/storage/storage-class-check.js';
import { storageClass } from '../lib/storage/storage-objects.js';

const wanted = storageClass('kdisk', 'ebs.csi.aws.com', 'ReadWriteOnce', 'WaitForFirstConsumer', { type: 'gp3', fsType: 'ext4', encrypted: 'true' });
/** The class as the API server returns it after a create: defaults filled in, resourceVersion set. */
const stored = (labels?: Record<string, string>) => ({ ...wanted, metadata: { name: 'kdisk', resourceVersion: '812', ...(labels ? { labels } : {}) } });

describe('what the storage phase does with a class it wants (pure)', () => {
  it('creates a class that does not exist', () => {
    expect(storageClassDecision(undefined, wanted)).toEqual({ action: 'create' });
  });

  it("applies again a class of its own (only mutable fields may differ), and leaves someone else's that is already as wanted", () => {
    expect(storageClassDecision({ ...stored({ 'app.kubernetes.io/managed-by': 'katonic-installer' }), allowVolumeExpansion: false }, wanted)).toEqual({
      action: 'apply',
    });
    expect(storageClassDecision(stored(), wanted)).toEqual({ action: 'leave' });
    expect(storageClassDecision(stored({ 'app.kubernetes.io/managed-by': 'Helm' }), wanted)).toEqual({ action: 'leave' });
  });

  it('stops at a class with another provisioner or parameters, whoever made it, naming both', () => {
    const theirs = {
      metadata: { name: 'kdisk' },
      provisioner: 'kubernetes.io/aws-ebs',
      parameters: { type: 'gp2', fsType: 'ext4' },
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    };
    const decision = storageClassDecision(theirs, wanted);
    expect(decision.action).toBe('conflict');
    expect(describeDecision('kdisk', decision)).toBe(
      'kdisk: CONFLICT: StorageClass kdisk exists with provisioner kubernetes.io/aws-ebs, the install wants ebs.csi.aws.com; StorageClass kdisk exists with parameters {"fsType":"ext4","type":"gp2"}, the install wants {"encrypted":"true","fsType":"ext4","type":"gp3"}',
    );
    const ours = { ...stored({ 'app.kubernetes.io/managed-by': 'katonic-installer' }), parameters: { type: 'gp2', fsType: 'ext4', encrypted: 'true' } };
    expect(storageClassDecision(ours, wanted).action).toBe('conflict');
  });

  it('knows its own classes by the mark it puts on them', () => {
    expect(createdByInstaller(wanted)).toBe(true);
    expect(createdByInstaller(stored())).toBe(false);
  });
});
