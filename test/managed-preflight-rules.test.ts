import { readFileSync } from 'node:fs';
import { observedDaemonSet, observedNode } from '../activities/kubernetes/read-managed-cluster.js';
import { managedPreflightReport, formatManagedReport, managedRequirements, type Finding, type ObservedManagedCluster } from '../lib/preflight/managed-rules.js';
import { parseQuantity } from '../lib/preflight/quantity.js';
import { isOnpremInstallation, type ManagedInstallation } from '../lib/spec/schema.js';
import { parseSpecText } from '../lib/spec/validate.js';
import { clusterObjects, node, SERVER_VERSION, type Cloud } from './support/managed-clusters.js';
import { fixture } from './support/repo.js';

function spec(name: 'acme-eks.yaml' | 'acme-aks.yaml', edit?: (doc: ManagedInstallation) => void): ManagedInstallation {
  const result = parseSpecText(readFileSync(fixture(name), 'utf8'));
  if (!result.ok || isOnpremInstallation(result.spec)) throw new Error(JSON.stringify(result));
  edit?.(result.spec);
  return result.spec;
}
const specOf = (cloud: Cloud, edit?: (doc: ManagedInstallation) => void) => spec(cloud === 'eks' ? 'acme-eks.yaml' : 'acme-aks.yaml', edit);

/** The cluster as the activity reads it, from API objects shaped like the service's. */
function observe(cloud: Cloud, objects = clusterObjects(cloud), serverVersion = SERVER_VERSION[cloud]): ObservedManagedCluster {
  return {
    serverVersion,
    nodes: objects.nodes.map(observedNode),
    daemonSets: objects.daemonSets.map(observedDaemonSet),
    csiDrivers: objects.csiDrivers.map((d) => d.metadata!.name!),
    mesh: { istiods: [] },
  };
}
const failed = (findings: Finding[]) => findings.filter((f) => f.result === 'failed');

describe('managed preflight rules (pure)', () => {
  it.each<Cloud>(['eks', 'aks'])('a healthy %s-shaped cluster meets every requirement, one row per requirement', (cloud) => {
    const report = managedPreflightReport(observe(cloud), managedRequirements(specOf(cloud)));
    expect(failed(report.findings)).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.findings.map((f) => f.rule)).toEqual([
      'server-version',
      'container-runtime',
      'node-pools',
      'node-pools',
      'gpu-pool',
      'network-policy',
      'csi-drivers',
      'csi-drivers',
      'ingress-fqdn',
      'mesh',
    ]);
    const platform = report.findings.find((f) => f.object.startsWith('platform pool'));
    expect(platform?.object).toBe(`platform pool (${cloud === 'eks' ? 'eks.amazonaws.com/nodegroup' : 'kubernetes.azure.com/agentpool'}=platform)`);
    // Capacity is what is compared; allocatable is shown beside it.
    expect(platform?.observed).toMatch(/^2 nodes, the smallest 8 CPUs \/ 31\.4 GiB \(allocatable 7\.\d+ CPUs \/ \d+\.\d GiB\)$/);
  });

  it('finds the CNI that enforces NetworkPolicy: Azure NPM on AKS, the enabled AWS agent on EKS', () => {
    const aks = managedPreflightReport(observe('aks'), managedRequirements(specOf('aks'))).findings.find((f) => f.rule === 'network-policy');
    expect(aks).toMatchObject({ result: 'ok', object: 'DaemonSet kube-system/azure-npm (Azure NPM)' });
    const eks = managedPreflightReport(observe('eks'), managedRequirements(specOf('eks'))).findings.find((f) => f.rule === 'network-policy');
    expect(eks).toMatchObject({ result: 'ok', object: 'DaemonSet kube-system/aws-node (the AWS network policy agent)' });
  });

  it('reports a Docker runtime, a too-small compute pool and no NetworkPolicy CNI all at once, each naming its objects', () => {
    const nodes = [
      node('eks', { name: 'ip-10-0-1-10.ec2.internal', pool: 'platform', runtime: 'docker://20.10.25' }),
      node('eks', { name: 'ip-10-0-1-11.ec2.internal', pool: 'platform' }),
      node('eks', { name: 'ip-10-0-2-10.ec2.internal', pool: 'compute', cpus: 4, memoryGiB: 16 }),
      node('eks', { name: 'ip-10-0-2-11.ec2.internal', pool: 'compute', cpus: 4, memoryGiB: 16 }),
    ];
    const report = managedPreflightReport(observe('eks', clusterObjects('eks', 0, { nodes, networkPolicy: false })), managedRequirements(specOf('eks')));
    expect(report.passed).toBe(false);
    expect(failed(report.findings).map((f) => [f.rule, f.object, f.observed])).toEqual([
      ['container-runtime', 'Node ip-10-0-1-10.ec2.internal', 'docker://20.10.25 on Kubernetes v1.30.4-eks-a737599'],
      [
        'node-pools',
        'Nodes ip-10-0-2-10.ec2.internal, ip-10-0-2-11.ec2.internal of the compute pool (eks.amazonaws.com/nodegroup=compute)',
        '4 CPUs (2 of 2 nodes)',
      ],
      [
        'network-policy',
        'kube-system, calico-system',
        'no NetworkPolicy-capable CNI (DaemonSets: aws-node, kube-proxy, ebs-csi-node, efs-csi-node; the AWS network policy agent is present but not enabled)',
      ],
    ]);
    expect(failed(report.findings)[0]?.expected).toContain('Docker is deprecated as a container runtime from Kubernetes 1.21');
    const text = formatManagedReport(report);
    expect(text.split('\n')[0]).toMatch(/^RESULT\s+REQUIREMENT\s+OBJECT\s+OBSERVED\s+EXPECTED$/);
    expect(text.match(/^FAILED /gm)).toHaveLength(3);
  });

  it('accepts Docker below Kubernetes 1.21 with a warning, and refuses other runtimes', () => {
    const nodes = [
      node('aks', { name: 'aks-platform-0', pool: 'platform', runtime: 'docker://19.3.14', kubeletVersion: 'v1.20.9' }),
      node('aks', { name: 'aks-compute-0', pool: 'compute', runtime: 'cri-o://1.29.1' }),
    ];
    const findings = managedPreflightReport(observe('aks', clusterObjects('aks', 0, { nodes }), 'v1.20.9'), managedRequirements(specOf('aks'))).findings.filter(
      (f) => f.rule === 'container-runtime',
    );
    expect(findings.map((f) => [f.result, f.object])).toEqual([
      ['warning', 'Node aks-platform-0'],
      ['failed', 'Node aks-compute-0'],
    ]);
  });

  it('names the pools it found when a pool is missing, and refuses the same nodes for platform and compute', () => {
    const nodes = [node('aks', { name: 'aks-nodepool1-0', pool: 'nodepool1' }), node('aks', { name: 'aks-nodepool1-1', pool: 'nodepool1' })];
    const missing = failed(managedPreflightReport(observe('aks', clusterObjects('aks', 0, { nodes })), managedRequirements(specOf('aks'))).findings);
    expect(missing.map((f) => [f.object, f.observed])).toEqual([
      ['platform pool (kubernetes.azure.com/agentpool=platform)', 'no node matches (pools found by kubernetes.azure.com/agentpool: nodepool1)'],
      ['compute pool (kubernetes.azure.com/agentpool=compute)', 'no node matches (pools found by kubernetes.azure.com/agentpool: nodepool1)'],
    ]);
    const same = specOf('aks', (doc) => (doc.spec.managed!.pools = { platform: 'nodepool1', compute: { labels: { agentpool: 'nodepool1' } } }));
    const overlap = failed(managedPreflightReport(observe('aks', clusterObjects('aks', 0, { nodes })), managedRequirements(same)).findings);
    expect(overlap.map((f) => [f.object, f.observed])).toEqual([['Nodes aks-nodepool1-0, aks-nodepool1-1', 'in both the platform and the compute pool']]);
  });

  it('bounds the objects it names on a cluster of hundreds of nodes', () => {
    const nodes = [
      ...Array.from({ length: 3 }, (_, i) => node('eks', { name: `platform-${i}`, pool: 'platform' })),
      ...Array.from({ length: 400 }, (_, i) => node('eks', { name: `compute-${i}`, pool: 'compute', memoryGiB: 8 })),
    ];
    const [finding] = failed(managedPreflightReport(observe('eks', clusterObjects('eks', 0, { nodes })), managedRequirements(specOf('eks'))).findings);
    expect(finding?.object).toBe(
      'Nodes compute-0, compute-1, compute-2, compute-3, compute-4 and 395 more of the compute pool (eks.amazonaws.com/nodegroup=compute)',
    );
    expect(finding?.observed).toBe('7.9 GiB memory (400 of 400 nodes)');
  });

  it('checks a GPU pool named in the spec for nvidia.com/gpu, and takes the spec minimums', () => {
    const nodes = [...clusterObjects('eks', 1).nodes, node('eks', { name: 'gpu-0', pool: 'gpu', gpus: 1 }), node('eks', { name: 'gpu-1', pool: 'gpu' })];
    const withGpu = specOf('eks', (doc) => (doc.spec.managed!.pools = { gpu: 'gpu' }));
    const gpu = managedPreflightReport(observe('eks', clusterObjects('eks', 0, { nodes })), managedRequirements(withGpu)).findings.filter(
      (f) => f.rule === 'gpu-pool',
    );
    expect(gpu.map((f) => [f.result, f.object, f.observed])).toEqual([
      ['failed', 'Node gpu-1 of the gpu pool (eks.amazonaws.com/nodegroup=gpu)', 'no nvidia.com/gpu (1 of 2 nodes)'],
    ]);
    const small = specOf('eks', (doc) => (doc.spec.managed!.preflight = { compute: { cpus: 4, memoryGb: 16 } }));
    const smallNodes = [node('eks', { name: 'p', pool: 'platform' }), node('eks', { name: 'c', pool: 'compute', cpus: 4, memoryGiB: 16 })];
    expect(managedPreflightReport(observe('eks', clusterObjects('eks', 0, { nodes: smallNodes })), managedRequirements(small)).passed).toBe(true);
  });

  it('refuses a server older than the minimum, which the spec can change', () => {
    const old = managedPreflightReport(observe('eks', clusterObjects('eks'), 'v1.19.16-eks-7737de'), managedRequirements(specOf('eks')));
    expect(failed(old.findings).map((f) => [f.object, f.observed, f.expected])).toEqual([['API server', 'v1.19.16-eks-7737de', '>= 1.20']]);
    const newer = specOf('eks', (doc) => (doc.spec.managed!.preflight = { minKubeVersion: '1.31' }));
    expect(failed(managedPreflightReport(observe('eks'), managedRequirements(newer)).findings).map((f) => f.expected)).toEqual(['>= 1.31']);
  });

  it('reports a missing CSI driver with where to get it; an ignored rule is reported as ignored', () => {
    const objects = { ...clusterObjects('eks'), csiDrivers: clusterObjects('eks').csiDrivers.filter((d) => d.metadata?.name !== 'efs.csi.aws.com') };
    const report = managedPreflightReport(observe('eks', objects), managedRequirements(specOf('eks')));
    expect(failed(report.findings).map((f) => [f.object, f.observed, f.expected])).toEqual([
      ['CSIDriver efs.csi.aws.com', 'not installed', 'the Amazon EFS CSI driver (EKS add-on aws-efs-csi-driver), for kfs'],
    ]);
    const ignoring = specOf('eks', (doc) => (doc.spec.managed!.preflight = { ignore: ['csi-drivers'] }));
    const ignored = managedPreflightReport(observe('eks', objects), managedRequirements(ignoring));
    expect(ignored.passed).toBe(true);
    expect(ignored.findings.filter((f) => f.result === 'ignored').map((f) => f.object)).toEqual(['CSIDriver efs.csi.aws.com']);
  });
});

describe('Kubernetes quantities', () => {
  it('reads what kubelets and users write', () => {
    expect(parseQuantity('7820m')).toBeCloseTo(7.82);
    expect(parseQuantity('8')).toBe(8);
    expect(parseQuantity('32863296Ki')).toBe(32863296 * 1024);
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(parseQuantity('76224326324')).toBe(76224326324);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('12M')).toBe(12e6);
    expect(parseQuantity('many')).toBeUndefined();
    expect(parseQuantity(undefined)).toBeUndefined();
  });
});
