import { readFileSync } from 'node:fs';
import { compareDrift, describeDifference } from '../lib/cluster/drift.js';
import type { ExpectedCluster, ObservedCluster } from '../lib/cluster/live-cluster.js';
import { expectedStorageClasses, storageClassSummary } from '../lib/cluster/storage-class-summary.js';
import { NETWORK_PLUGIN } from '../lib/inventory/group-vars.js';
import { KATONIC_NAMESPACES } from '../lib/katonic-platform.js';
import { isOnpremInstallation, type OnpremInstallation } from '../lib/spec/schema.js';
import { parseSpecText } from '../lib/spec/validate.js';
import { DEMO_SPEC, fixture } from './support/repo.js';

function spec(file: string): OnpremInstallation {
  const result = parseSpecText(readFileSync(file, 'utf8'));
  if (!result.ok || !isOnpremInstallation(result.spec)) throw new Error(`${file} should be a valid on-prem spec: ${JSON.stringify(result)}`);
  return result.spec;
}

/** What the entity records after installing the demo spec. */
function demoExpected(): ExpectedCluster {
  const doc = spec(DEMO_SPEC);
  return {
    nodes: doc.spec.onprem.nodes.map((n) => ({ name: n.name, roles: n.roles })),
    kubernetesVersion: '1.33.7',
    storageClasses: expectedStorageClasses(doc),
    namespaces: [...KATONIC_NAMESPACES],
    cni: NETWORK_PLUGIN.daemonSet.name,
  };
}

/** The cluster as the install left it, read back through the API: fresh each call. */
function asInstalled(expected: ExpectedCluster): ObservedCluster {
  return {
    readAt: '2025-06-01T10:00:00.000Z',
    nodes: expected.nodes.map((n) => ({
      name: n.name,
      kubeletVersion: '1.33.7',
      ready: true,
      roles: n.roles.filter((r) => r === 'control-plane'),
      unschedulable: false,
    })),
    // kdisk and kfs, and a class the installer did not make (not drift).
    storageClasses: [...expected.storageClasses.map((c) => structuredClone(c)), { name: 'standard', provisioner: 'example.com/x', isDefault: true }],
    namespaces: ['default', 'kube-system', ...expected.namespaces],
    cni: [{ name: 'calico-node', namespace: 'kube-system', desired: 3, ready: 3 }],
  };
}

const lines = (expected: ExpectedCluster, observed: ObservedCluster) => compareDrift(expected, observed).differences.map(describeDifference);

describe('check-drift: the recorded cluster against the live one', () => {
  it('expects the storage classes the install applies, as the API shows them', () => {
    expect(expectedStorageClasses(spec(DEMO_SPEC))).toEqual([
      {
        name: 'kfs',
        provisioner: 'katonic.ai/nfs',
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
        parameters: { archiveOnDelete: 'true' },
        isDefault: false,
      },
      { name: 'kdisk', provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', isDefault: false },
    ]);
    expect(expectedStorageClasses(spec(fixture('acme-prod.yaml'))).map((c) => [c.name, c.provisioner, c.volumeBindingMode])).toEqual([
      ['kfs', 'katonic.ai/nfs', 'Immediate'],
      ['kdisk', 'katonic.ai/nfs', 'Immediate'],
    ]);
    const fromApi = {
      metadata: { name: 'gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'ebs.csi.aws.com',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      parameters: { type: 'gp3' },
    };
    expect(storageClassSummary(fromApi)).toEqual({
      name: 'gp3',
      provisioner: 'ebs.csi.aws.com',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      parameters: { type: 'gp3' },
      isDefault: true,
    });
  });

  it('finds nothing on a cluster as installed, and dates the report by the reading', () => {
    const expected = demoExpected();
    expect(compareDrift(expected, asInstalled(expected))).toEqual({ checkedAt: '2025-06-01T10:00:00.000Z', differences: [] });
  });

  it('reports nodes missing and nodes no operation added', () => {
    const expected = demoExpected();
    const observed = asInstalled(expected);
    observed.nodes = observed.nodes.filter((n) => n.name !== 'worker-2');
    observed.nodes.push({ name: 'worker-9', kubeletVersion: '1.33.7', ready: true, roles: [], unschedulable: false });
    expect(lines(expected, observed)).toEqual([
      'node worker-2: expected in the cluster, observed missing',
      'node worker-9: expected not in the cluster (no operation added it), observed present',
    ]);
  });

  it('reports each node whose kubelet runs another version, NotReady or cordoned', () => {
    const expected = demoExpected();
    const observed = asInstalled(expected);
    Object.assign(observed.nodes[0]!, { kubeletVersion: 'v1.33.7' });
    Object.assign(observed.nodes[1]!, { kubeletVersion: '1.34.2', ready: false });
    Object.assign(observed.nodes[2]!, { unschedulable: true });
    expect(lines(expected, observed)).toEqual([
      'node worker-1: kubelet version: expected 1.33.7, observed 1.34.2',
      'node worker-1: expected Ready, observed NotReady',
      'node worker-2: expected schedulable, observed cordoned (unschedulable)',
    ]);
    // Nothing recorded a version (a managed cluster before its first check): none is compared.
    expect(lines({ ...expected, kubernetesVersion: undefined }, observed)).toEqual([
      'node worker-1: expected Ready, observed NotReady',
      'node worker-2: expected schedulable, observed cordoned (unschedulable)',
    ]);
  });

  it('reports kdisk or kfs missing, and each field changed, with the API defaults filled in', () => {
    const expected = demoExpected();
    const observed = asInstalled(expected);
    observed.storageClasses = observed.storageClasses.filter((c) => c.name !== 'kfs');
    const kdisk = observed.storageClasses.find((c) => c.name === 'kdisk')!;
    Object.assign(kdisk, {
      provisioner: 'example.com/other',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'Immediate',
      parameters: { tier: 'gold' },
      isDefault: true,
    });
    expect(lines(expected, observed)).toEqual([
      'storage class kfs: expected present, observed missing',
      'storage class kdisk: provisioner: expected rancher.io/local-path, observed example.com/other',
      'storage class kdisk: parameters: expected {}, observed {"tier":"gold"}',
      'storage class kdisk: reclaimPolicy: expected Delete, observed Retain',
      'storage class kdisk: volumeBindingMode: expected WaitForFirstConsumer, observed Immediate',
      'storage class kdisk: default: expected not the default class, observed the default class',
    ]);
    // No parameters stored is the same as none applied; an unset reclaimPolicy is the API's Delete.
    Object.assign(kdisk, {
      provisioner: 'rancher.io/local-path',
      reclaimPolicy: undefined,
      volumeBindingMode: 'WaitForFirstConsumer',
      parameters: {},
      isDefault: false,
    });
    expect(lines(expected, observed)).toEqual(['storage class kfs: expected present, observed missing']);
  });

  it('reports Katonic namespaces missing', () => {
    const expected = demoExpected();
    const observed = asInstalled(expected);
    observed.namespaces = ['default', 'katonic-platform'];
    expect(lines(expected, observed)).toEqual([
      'namespace katonic-system: expected present, observed missing',
      'namespace katonic-workloads: expected present, observed missing',
    ]);
  });

  it('reports the CNI agent missing or not ready on every node', () => {
    const expected = demoExpected();
    const observed = asInstalled(expected);
    observed.cni = [];
    expect(lines(expected, observed)).toEqual(['CNI agent calico-node: expected a DaemonSet ready on every node, observed missing']);
    observed.cni = [{ name: 'calico-node', namespace: 'kube-system', desired: 3, ready: 1 }];
    expect(lines(expected, observed)).toEqual(['CNI agent kube-system/calico-node: expected ready on every node, observed ready on 1 of 3']);
    observed.cni = [{ name: 'calico-node', namespace: 'kube-system', desired: 0, ready: 0 }];
    expect(lines(expected, observed)).toEqual(['CNI agent kube-system/calico-node: expected ready on every node, observed ready on 0 of 0']);
    // Another CNI's agent is not the one recorded; none recorded, none is checked.
    observed.cni = [{ name: 'cilium', namespace: 'kube-system', desired: 3, ready: 3 }];
    expect(lines(expected, observed)).toEqual(['CNI agent calico-node: expected a DaemonSet ready on every node, observed missing']);
    expect(lines({ ...expected, cni: undefined }, observed)).toEqual([]);
  });

  it('shows what came from the cluster escaped', () => {
    expect(describeDifference({ what: 'storage class kdisk: parameters', expected: '{}', observed: '{"x":"a\u001b[2Jb"}' })).toBe(
      'storage class kdisk: parameters: expected {}, observed {"x":"a\\u001b[2Jb"}',
    );
  });
});
