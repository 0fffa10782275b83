import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { validateSpec } from '../lib/spec/validate.js';
import { fixture } from './support/repo.js';

// Tests reach into the document freely to break one thing at a time.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;
const load = (name: string) => yaml.load(readFileSync(fixture(name), 'utf8')) as Doc;
const errorsOf = (doc: unknown) => {
  const result = validateSpec(doc);
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
};

describe('the managed section of the install spec (pure)', () => {
  it('accepts the EKS and AKS examples', () => {
    expect(errorsOf(load('acme-eks.yaml'))).toEqual([]);
    expect(errorsOf(load('acme-aks.yaml'))).toEqual([]);
  });

  it('an eks flow with an Azure blob store is one error naming both fields', () => {
    const doc = load('acme-eks.yaml');
    doc.spec.managed.blobStore = { kind: 'azureBlob', account: 'acmekatonic', container: 'backups' };
    expect(errorsOf(doc)).toEqual([
      'spec.managed.blobStore.kind: expected s3 when spec.flow is eks: EKS keeps backups, logs and project data in its native blob store, not azureBlob',
    ]);
  });

  it('an aks flow with an S3 bucket is the same error the other way round', () => {
    const doc = load('acme-aks.yaml');
    doc.spec.managed.blobStore = { kind: 's3', bucket: 'acme-katonic-backups', region: 'us-east-1' };
    expect(errorsOf(doc)).toEqual([
      'spec.managed.blobStore.kind: expected azureBlob when spec.flow is aks: AKS keeps backups, logs and project data in its native blob store, not s3',
    ]);
  });

  it('refuses onprem settings in a managed spec, and managed settings in an on-prem spec', () => {
    const eks = load('acme-eks.yaml');
    eks.spec.onprem = load('acme-prod.yaml').spec.onprem;
    expect(errorsOf(eks)).toEqual(['spec.onprem: expected no onprem settings when spec.flow is eks (they are for the onprem flow)']);
    const onprem = load('acme-prod.yaml');
    onprem.spec.managed = load('acme-eks.yaml').spec.managed;
    expect(errorsOf(onprem)).toEqual(['spec.managed: expected no managed settings when spec.flow is onprem (they are for the aks and eks flows)']);
  });

  it('asks for the managed section, with a blob store, in a managed flow', () => {
    const doc = load('acme-aks.yaml');
    delete doc.spec.managed;
    expect(errorsOf(doc)).toEqual(['spec.managed: expected managed settings (kubeconfigRef, blobStore) when spec.flow is aks']);
    doc.spec.managed = { kubeconfigRef: 'env:KUBECONFIG' };
    expect(errorsOf(doc)).toEqual(['spec.managed.blobStore: expected a blob store {kind: s3, bucket, region} or {kind: azureBlob, account, container}']);
  });

  it('needs the EFS file system on EKS and refuses one on AKS', () => {
    const eks = load('acme-eks.yaml');
    delete eks.spec.managed.storage;
    expect(errorsOf(eks)).toEqual([
      'spec.managed.storage.kfs.fileSystemId: required when spec.flow is eks: the EFS file system that backs kfs (ReadWriteMany)',
    ]);
    const aks = load('acme-aks.yaml');
    aks.spec.managed.storage = { kfs: { fileSystemId: 'fs-0123456789abcdef0' } };
    expect(errorsOf(aks)).toEqual([
      'spec.managed.storage.kfs.fileSystemId: expected no fileSystemId when spec.flow is aks: kfs is Azure Files, a share per volume',
    ]);
  });

  it("checks kdisk's type against the cloud, and provisioned IOPS against the type", () => {
    const eks = load('acme-eks.yaml');
    eks.spec.managed.storage.kdisk = { type: 'Premium_LRS' };
    expect(errorsOf(eks)).toEqual(['spec.managed.storage.kdisk.type: expected one of gp3, gp2, io1, io2 when spec.flow is eks']);
    eks.spec.managed.storage.kdisk = { type: 'io2' };
    expect(errorsOf(eks)).toEqual(['spec.managed.storage.kdisk.iopsPerGB: required when kdisk.type is io2: EBS io2 volumes are created with provisioned IOPS']);
    eks.spec.managed.storage.kdisk = { type: 'io2', iopsPerGB: 50 };
    expect(errorsOf(eks)).toEqual([]);
    eks.spec.managed.storage.kdisk = { type: 'gp2', iopsPerGB: 50 };
    expect(errorsOf(eks)).toEqual(['spec.managed.storage.kdisk.iopsPerGB: expected no iopsPerGB: only EBS io1 and io2 volumes take provisioned IOPS']);
    const aks = load('acme-aks.yaml');
    aks.spec.managed.storage = { kdisk: { type: 'gp3' } };
    expect(errorsOf(aks)).toEqual(['spec.managed.storage.kdisk.type: expected one of Premium_LRS, Premium_ZRS when spec.flow is aks']);
  });

  it('names each bad field of the section at once, never echoing a kubeconfig given as a value', () => {
    const doc = load('acme-eks.yaml');
    doc.spec.managed.kubeconfigRef = 'apiVersion: v1\nclusters: [{cluster: {server: https://10.0.0.1}}]';
    doc.spec.managed.blobStore.region = 'Virginia';
    doc.spec.managed.pools = { platform: { labels: {} }, compute: 'not a label value!' };
    doc.spec.managed.preflight = { minKubeVersion: 'latest', ignore: ['everything'] };
    const errors = errorsOf(doc);
    expect(errors).toEqual([
      'spec.managed.kubeconfigRef: expected a kubeconfig reference "env:NAME" or "file:PATH" (a kubeconfig holds credentials, so it is never written into a spec)',
      'spec.managed.blobStore.region: expected an AWS region such as us-east-1',
      'spec.managed.pools.platform.labels: expected at least one label',
      'spec.managed.pools.compute: expected a label value: at most 63 letters, digits, "-", "_" or "."',
      'spec.managed.preflight.minKubeVersion: expected a Kubernetes version such as 1.20',
      'spec.managed.preflight.ignore[0]: expected one of server-version, container-runtime, node-pools, gpu-pool, network-policy, csi-drivers, ingress-fqdn, mesh',
    ]);
    expect(errors.join()).not.toContain('10.0.0.1');
  });

  it('takes pools by name or by labels, and approval gates of the managed phases', () => {
    const doc = load('acme-eks.yaml');
    doc.spec.managed.pools = { platform: 'system', compute: { labels: { 'katonic.ai/pool': 'compute' } }, gpu: 'gpu' };
    doc.spec.approvals = ['before-storage-classes'];
    expect(errorsOf(doc)).toEqual([]);
    doc.spec.approvals = ['before-kubespray'];
    expect(errorsOf(doc)).toEqual(['spec.approvals[0]: expected one of before-preflight, before-storage-classes, before-katonic, before-verify']);
  });
});
