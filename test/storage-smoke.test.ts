import { readFileSync } from 'node:fs';
import { parseSpecText } from '../lib/spec/validate.js';
import type { Installation } from '../lib/spec/schema.js';
import { INSTALLER_LABELS } from '../lib/storage/storage-objects.js';
import {
  SMOKE_NAMESPACE,
  skippedSmokeFindings,
  smokeClasses,
  smokeFinding,
  smokeObjects,
  type SmokeClass,
  type SmokeEvent,
  type SmokeObservation,
} from '../lib/verify/storage-smoke.js';
import { DEMO_SPEC, fixture } from './support/repo.js';

function spec(file: string): Installation {
  const result = parseSpecText(readFileSync(file, 'utf8'));
  if (!result.ok) throw new Error(`${file} should be a valid spec: ${JSON.stringify(result.errors)}`);
  return result.spec;
}

const KDISK: SmokeClass = { name: 'kdisk', provisioner: 'rancher.io/local-path', accessMode: 'ReadWriteOnce', bindingMode: 'WaitForFirstConsumer' };
const KFS: SmokeClass = { name: 'kfs', provisioner: 'katonic.ai/nfs', accessMode: 'ReadWriteMany', bindingMode: 'Immediate' };

const observed = (cls: SmokeClass, more: Partial<SmokeObservation> = {}): SmokeObservation => ({
  cls,
  claimEvents: [],
  consumerEvents: [],
  left: [],
  volumeEvents: [],
  ...more,
});

// The PV controller's word on every claim of an external provisioner: not the provisioner's.
const waiting: SmokeEvent = {
  type: 'Normal',
  reason: 'ExternalProvisioning',
  message: "Waiting for a volume to be created either by the external provisioner 'katonic.ai/nfs' or manually by the system administrator.",
  source: 'persistentvolume-controller',
  at: 1000,
};

describe('verify: storage smoke (pure)', () => {
  it('tries the classes the install made: host volumes kdisk on local-path waiting for its consumer, kfs on NFS; NFS storage both on NFS; EKS on its CSI drivers', () => {
    expect(smokeClasses(spec(DEMO_SPEC))).toEqual([KFS, KDISK]);
    expect(smokeClasses(spec(fixture('acme-prod.yaml')))).toEqual([KFS, { ...KDISK, provisioner: 'katonic.ai/nfs', bindingMode: 'Immediate' }]);
    expect(smokeClasses(spec(fixture('acme-eks.yaml')))).toEqual([
      { name: 'kdisk', provisioner: 'ebs.csi.aws.com', accessMode: 'ReadWriteOnce', bindingMode: 'WaitForFirstConsumer' },
      { name: 'kfs', provisioner: 'efs.csi.aws.com', accessMode: 'ReadWriteMany', bindingMode: 'Immediate' },
    ]);
    // EKS Auto Mode, as preflight hands it on: kdisk on Auto Mode's own EBS driver.
    expect(smokeClasses(spec(fixture('acme-eks.yaml')), { eksAutoMode: true }).map((c) => [c.name, c.provisioner])).toEqual([
      ['kdisk', 'ebs.csi.eks.amazonaws.com'],
      ['kfs', 'efs.csi.aws.com'],
    ]);
  });

  it("makes a 1Mi claim named after the install and the class, with the installer's labels; a pod using it only where the class waits for a consumer", () => {
    const kfs = smokeObjects('acme-prod', SMOKE_NAMESPACE, KFS);
    expect(kfs.consumer).toBeUndefined();
    expect(kfs.claim).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'katonic-smoke-acme-prod-kfs',
        namespace: 'katonic-system',
        labels: { ...INSTALLER_LABELS, 'app.kubernetes.io/component': 'storage-smoke', 'katonic.ai/install': 'acme-prod' },
      },
      spec: { storageClassName: 'kfs', accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Mi' } } },
    });
    const { claim, consumer } = smokeObjects('acme-prod', SMOKE_NAMESPACE, KDISK);
    expect(claim.metadata.name).toBe('katonic-smoke-acme-prod-kdisk');
    expect(consumer?.metadata).toEqual(claim.metadata);
    expect(consumer?.spec).toMatchObject({
      volumes: [{ name: 'volume', persistentVolumeClaim: { claimName: 'katonic-smoke-acme-prod-kdisk' } }],
      // Restricted Pod Security: runs as non-root, no privilege escalation, no capabilities.
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ image: 'registry.k8s.io/pause:3.10', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    });
  });

  it('passes a class whose claim bound and went with everything it made', () => {
    expect(smokeFinding(observed(KDISK, { boundSeconds: 1.26 }), '2m')).toEqual({
      rule: 'storage-binds',
      object: 'StorageClass kdisk',
      observed: 'bound in 1.3 s by rancher.io/local-path; then deleted, nothing left behind',
      expected: 'a 1Mi ReadWriteOnce claim (with a pod using it) bound within 2m, then deleted with its volume',
      result: 'ok',
    });
  });

  it('names the provisioner that nobody answers for: no event of its own (the PV controller waiting for it is not one)', () => {
    const finding = smokeFinding(observed({ ...KFS, provisioner: 'example.com/nobody' }, { phase: 'Pending', claimEvents: [waiting] }), '5s');
    expect([finding.result, finding.object, finding.observed]).toEqual([
      'failed',
      'StorageClass kfs',
      'not bound within 5s (Pending): no event from provisioner example.com/nobody: nobody answers for it; then deleted, nothing left behind',
    ]);
  });

  it("quotes the provisioner's last warning, over a later event of its own, one line, bounded", () => {
    const by = 'katonic.ai/nfs_host_0b1c';
    const events: SmokeEvent[] = [
      waiting,
      {
        type: 'Warning',
        reason: 'ProvisioningFailed',
        message: 'failed to provision volume:\n  mkdir /persistentvolumes: permission denied',
        source: by,
        at: 2000,
      },
      { type: 'Normal', reason: 'Provisioning', message: 'External provisioner is provisioning volume for claim "katonic-system/x"', source: by, at: 3000 },
    ];
    expect(smokeFinding(observed(KFS, { phase: 'Pending', claimEvents: events }), '2m').observed).toBe(
      'not bound within 2m (Pending): provisioner katonic.ai/nfs: ProvisioningFailed: failed to provision volume: mkdir /persistentvolumes: permission denied; then deleted, nothing left behind',
    );
    const long = { ...events[1]!, message: 'x'.repeat(1000) };
    expect(smokeFinding(observed(KFS, { claimEvents: [long] }), '2m').observed).toContain(`ProvisioningFailed: ${'x'.repeat(300)};`);
  });

  it('says when the pod of a class that waits for its consumer was not scheduled, so its provisioner was never asked', () => {
    const unschedulable: SmokeEvent = {
      type: 'Warning',
      reason: 'FailedScheduling',
      message: '0/3 nodes are available: 3 node(s) were unschedulable.',
      source: 'default-scheduler',
      at: 2000,
    };
    expect(smokeFinding(observed(KDISK, { phase: 'Pending', consumerEvents: [unschedulable] }), '2m').observed).toBe(
      'not bound within 2m (Pending): its pod was not scheduled, so provisioner rancher.io/local-path was not asked (FailedScheduling: 0/3 nodes are available: 3 node(s) were unschedulable.); then deleted, nothing left behind',
    );
    // Scheduled (the claim has its selected node): the provisioner's silence is what it says.
    expect(smokeFinding(observed(KDISK, { phase: 'Pending', selectedNode: 'worker-1' }), '2m').observed).toContain(
      'no event from provisioner rancher.io/local-path: nobody answers for it',
    );
  });

  it('fails a class whose volume outlives its claim, quoting why', () => {
    const failedDelete: SmokeEvent = {
      type: 'Warning',
      reason: 'VolumeFailedDelete',
      message: 'failed to delete volume pvc-1: create process timeout after 120 seconds',
      source: 'rancher.io/local-path_host_1',
      at: 5000,
    };
    const finding = smokeFinding(observed(KDISK, { boundSeconds: 2, left: ['PersistentVolume pvc-1 (Released)'], volumeEvents: [failedDelete] }), '2m');
    expect([finding.result, finding.observed]).toEqual([
      'failed',
      'bound in 2.0 s by rancher.io/local-path; PersistentVolume pvc-1 (Released) still there 2m after deleting (VolumeFailedDelete: failed to delete volume pvc-1: create process timeout after 120 seconds)',
    ]);
  });

  it('reports every class as skipped, never ok, when spec.verify.storageSmoke is false', () => {
    expect(skippedSmokeFindings([KDISK, KFS], '2m')).toEqual([
      {
        rule: 'storage-binds',
        object: 'StorageClass kdisk',
        observed: 'not checked: spec.verify.storageSmoke is false',
        expected: 'a 1Mi ReadWriteOnce claim (with a pod using it) bound within 2m, then deleted with its volume',
        result: 'skipped',
      },
      {
        rule: 'storage-binds',
        object: 'StorageClass kfs',
        observed: 'not checked: spec.verify.storageSmoke is false',
        expected: 'a 1Mi ReadWriteMany claim bound within 2m, then deleted with its volume',
        result: 'skipped',
      },
    ]);
  });
});
