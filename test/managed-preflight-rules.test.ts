import { readFileSync } from 'node:fs';
import { observedDaemonSet, observedNode } from '../activities/kubernetes/read-managed-cluster.js';
import type { DnsAnswer } from '../lib/checks/fqdn-rule.js';
import { managedPreflightReport, formatManagedReport, managedRequirements, type Finding, type ObservedManagedCluster } from '../lib/preflight/managed-rules.js';
import { parseQuantity } from '../lib/preflight/quantity.js';
import { isOnpremInstallation, type ManagedInstallation } from '../lib/spec/schema.js';
import { parseSpecText } from '../lib/spec/validate.js';
import { cniOf, configMapKey, imageRepository } from '../lib/cluster/cni-agents.js';
import { storageObjectsFor } from '../lib/storage/cluster-storage.js';
import { clusterObjects, CNI_SHAPES, node, SERVER_VERSION, type Cloud, type CniShape } from './support/managed-clusters.js';
import { fixture } from './support/repo.js';

function spec(name: 'acme-eks.yaml' | 'acme-aks.yaml', edit?: (doc: ManagedInstallation) => void): ManagedInstallation {
  const result = parseSpecText(readFileSync(fixture(name), 'utf8'));
  if (!result.ok || isOnpremInstallation(result.spec)) throw new Error(JSON.stringify(result));
  edit?.(result.spec);
  return result.spec;
}
const specOf = (cloud: Cloud, edit?: (doc: ManagedInstallation) => void) => spec(cloud === 'eks' ? 'acme-eks.yaml' : 'acme-aks.yaml', edit);

/** The FQDN's answer where the load balancer is in place (an Azure or AWS public address). */
const RESOLVED: DnsAnswer = { fqdn: 'mlops.acme.com', resolver: "the worker's resolver", addresses: ['20.81.14.7'] };
const NXDOMAIN: DnsAnswer = { fqdn: 'mlops.acme.com', resolver: 'DNS server 10.0.0.2', addresses: [], problem: 'no such name (NXDOMAIN)' };

/** The cluster as the activity reads it, from API objects shaped like the service's. */
function observe(cloud: Cloud, objects = clusterObjects(cloud), serverVersion = SERVER_VERSION[cloud], fqdn = RESOLVED): ObservedManagedCluster {
  return {
    serverVersion,
    nodes: objects.nodes.map(observedNode),
    daemonSets: objects.daemonSets.map(observedDaemonSet),
    cniConfig: Object.fromEntries(
      objects.configMaps.map((cm) => [configMapKey({ namespace: cm.metadata!.namespace!, name: cm.metadata!.name! }), cm.data ?? {}]),
    ),
    csiDrivers: objects.csiDrivers.map((d) => d.metadata!.name!),
    fqdn,
    mesh: { istiods: [] },
  };
}
/** The cluster with this CNI's node agent (and ConfigMap) in place of the service's. */
const withCni = (cloud: Cloud, shape: CniShape) => observe(cloud, { ...clusterObjects(cloud), daemonSets: shape.daemonSets, configMaps: shape.configMaps });
const networkPolicyOf = (cloud: Cloud, observed: ObservedManagedCluster) =>
  managedPreflightReport(observed, managedRequirements(specOf(cloud), observed)).findings.filter((f) => f.rule === 'network-policy');
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

  it('finds the CNI that enforces NetworkPolicy: Azure NPM on AKS, the enabled VPC CNI agent on EKS', () => {
    const aks = managedPreflightReport(observe('aks'), managedRequirements(specOf('aks'))).findings.find((f) => f.rule === 'network-policy');
    expect(aks).toMatchObject({ result: 'ok', object: 'DaemonSet kube-system/azure-npm (Azure NPM)' });
    const eks = managedPreflightReport(observe('eks'), managedRequirements(specOf('eks'))).findings.find((f) => f.rule === 'network-policy');
    expect(eks).toMatchObject({ result: 'ok', object: 'DaemonSet kube-system/aws-node (Amazon VPC CNI)' });
  });

  // Each shape is its upstream manifest's (test/support/managed-clusters.ts CNI_SHAPES names the manifest and version).
  it.each<[string, Cloud, CniShape, string, string]>([
    [
      'VPC CNI chart 1.23.1, aws-eks-nodeagent with --enable-network-policy=true',
      'eks',
      CNI_SHAPES.vpcCni({ networkPolicy: true }),
      'DaemonSet kube-system/aws-node (Amazon VPC CNI)',
      'aws-node carries aws-eks-nodeagent with --enable-network-policy=true',
    ],
    [
      'Calico v3.31.7 by manifest (kube-system)',
      'aks',
      CNI_SHAPES.calicoManifest(),
      'DaemonSet kube-system/calico-node (Calico)',
      'calico-node enforces NetworkPolicy',
    ],
    [
      'Calico v3.31.7 by the Tigera operator v1.40 (calico-system)',
      'aks',
      CNI_SHAPES.calicoOperator(),
      'DaemonSet calico-system/calico-node (Calico)',
      'calico-node enforces NetworkPolicy',
    ],
    [
      'Cilium 1.19 chart, policyEnforcementMode default',
      'eks',
      CNI_SHAPES.cilium(),
      'DaemonSet kube-system/cilium (Cilium)',
      'Cilium enforces NetworkPolicy (enable-policy: default)',
    ],
    [
      'Cilium 1.19 chart, policyEnforcementMode always',
      'aks',
      CNI_SHAPES.cilium({ policyEnforcementMode: 'always' }),
      'DaemonSet kube-system/cilium (Cilium)',
      'Cilium enforces NetworkPolicy (enable-policy: always)',
    ],
    ['Azure NPM v1.6.29 (npm/azure-npm.yaml)', 'aks', CNI_SHAPES.azureNpm(), 'DaemonSet kube-system/azure-npm (Azure NPM)', 'Azure NPM enforces NetworkPolicy'],
    ['Antrea (build/yamls/antrea.yml)', 'eks', CNI_SHAPES.antrea(), 'DaemonSet kube-system/antrea-agent (Antrea)', 'antrea-agent enforces NetworkPolicy'],
  ])('network-policy passes with %s', (_, cloud, shape, object, observed) => {
    expect(networkPolicyOf(cloud, withCni(cloud, shape))).toEqual([expect.objectContaining({ result: 'ok', object, observed })]);
  });

  it.each<[string, Cloud, CniShape, string]>([
    [
      'VPC CNI chart 1.23.1 with --enable-network-policy=false (the chart default): the agent named, present but off',
      'eks',
      CNI_SHAPES.vpcCni({ networkPolicy: false }),
      'Amazon VPC CNI present but off: aws-node carries aws-eks-nodeagent with --enable-network-policy=false',
    ],
    [
      'VPC CNI chart 1.23.1 with nodeAgent.enabled false: no agent container',
      'eks',
      CNI_SHAPES.vpcCni({ networkPolicy: true, nodeAgent: false }),
      'Amazon VPC CNI present but off: aws-node carries no network policy agent (no amazon/aws-network-policy-agent container)',
    ],
    [
      'Cilium 1.19 with policyEnforcementMode never',
      'aks',
      CNI_SHAPES.cilium({ policyEnforcementMode: 'never' }),
      'Cilium present but off: kube-system/cilium-config sets enable-policy: never',
    ],
    [
      'Cilium 1.19 with k8sNetworkPolicy.enabled false',
      'aks',
      CNI_SHAPES.cilium({ k8sNetworkPolicy: false }),
      'Cilium present but off: kube-system/cilium-config sets enable-k8s-networkpolicy: "false"',
    ],
  ])('network-policy fails with %s', (_, cloud, shape, off) => {
    const [finding] = networkPolicyOf(cloud, withCni(cloud, shape));
    expect(finding).toMatchObject({ result: 'failed', object: 'kube-system, calico-system, kube-flannel' });
    expect(finding?.observed).toMatch(/^no CNI enforces NetworkPolicy \(DaemonSets: /);
    expect(finding?.observed).toContain(`; ${off})`);
  });

  it('knows an image by its repository whatever the registry, tag or digest, and a neighbouring repository is not the CNI', () => {
    expect(imageRepository('registry.local:5000/calico/node:v3.31.7@sha256:0123')).toBe('registry.local:5000/calico/node');
    expect(imageRepository('registry.local:5000/calico/node')).toBe('registry.local:5000/calico/node');
    const agent = (image: string) => cniOf({ namespace: 'kube-system', name: 'x', containers: [{ name: 'x', image, args: [] }] })?.name;
    expect(
      [
        'mcr.microsoft.com/oss/calico/node:v3.28.2',
        'mcr.microsoft.com/oss/cilium/cilium:1.16.6',
        'quay.io/cilium/cilium-envoy:v1.35.9',
        'quay.io/calico/node-driver-registrar:v3.31.7',
      ].map(agent),
    ).toEqual(['Calico', 'Cilium', undefined, undefined]);
  });

  it('an AKS cluster with Azure CNI and no policy engine: no CNI enforces NetworkPolicy, each DaemonSet named with the CNI it is', () => {
    expect(networkPolicyOf('aks', observe('aks', clusterObjects('aks', 2, { networkPolicy: false })))[0]).toMatchObject({
      result: 'failed',
      observed:
        'no CNI enforces NetworkPolicy (DaemonSets: azure-cns (Azure CNI), azure-ip-masq-agent, cloud-node-manager, csi-azuredisk-node, csi-azurefile-node, kube-proxy)',
    });
  });

  describe('EKS Auto Mode (AWS EKS user guide: "Create a storage class", "Use Network Policies with EKS Auto Mode")', () => {
    const autoMode = (change: { networkPolicy?: boolean } = {}) => observe('eks', clusterObjects('eks', 2, { autoMode: true, ...change }));

    it('is recognised from the nodes: pools by karpenter.sh/nodepool, kdisk on ebs.csi.eks.amazonaws.com, no aws-node needed', () => {
      const observed = autoMode();
      const req = managedRequirements(specOf('eks'), observed);
      expect(req.eksAutoMode).toBe(true);
      const report = managedPreflightReport(observed, req);
      expect(failed(report.findings)).toEqual([]);
      expect(report.findings.filter((f) => f.rule !== 'container-runtime' && f.rule !== 'server-version').map((f) => [f.rule, f.object, f.result])).toEqual([
        ['node-pools', 'platform pool (karpenter.sh/nodepool=platform)', 'ok'],
        ['node-pools', 'compute pool (karpenter.sh/nodepool=compute)', 'ok'],
        ['gpu-pool', 'GPU pool', 'ok'],
        ['network-policy', 'EKS Auto Mode VPC CNI', 'ok'],
        ['csi-drivers', 'CSIDriver ebs.csi.eks.amazonaws.com', 'ok'],
        ['csi-drivers', 'CSIDriver efs.csi.aws.com', 'ok'],
        ['ingress-fqdn', 'mlops.acme.com (spec.katonic.fqdn)', 'ok'],
        ['mesh', 'spec.katonic.mesh (mode deploy)', 'ok'],
      ]);
      // The class the storage-classes phase applies follows the same reading (handed on as eksAutoMode).
      const kdisk = storageObjectsFor(specOf('eks'), req).find((o) => o.metadata.name === 'kdisk');
      expect(kdisk).toMatchObject({ provisioner: 'ebs.csi.eks.amazonaws.com', parameters: { type: 'gp3', encrypted: 'true' } });
      expect(storageObjectsFor(specOf('eks')).find((o) => o.metadata.name === 'kdisk')).toMatchObject({ provisioner: 'ebs.csi.aws.com' });
    });

    it('without the network policy controller enabled (no amazon-vpc-cni ConfigMap), network-policy fails naming the ConfigMap', () => {
      expect(networkPolicyOf('eks', autoMode({ networkPolicy: false }))).toEqual([
        expect.objectContaining({
          result: 'failed',
          object: 'EKS Auto Mode VPC CNI',
          observed: 'NetworkPolicy not enforced: no kube-system/amazon-vpc-cni with enable-network-policy-controller',
        }),
      ]);
    });

    it('a cluster mixing Auto Mode nodes with node groups is judged as EKS with node groups (aws-node, the EBS add-on)', () => {
      const nodes = [node('eks', { name: 'a', pool: 'platform', autoMode: true }), node('eks', { name: 'b', pool: 'compute' })];
      expect(managedRequirements(specOf('eks'), observe('eks', clusterObjects('eks', 0, { nodes }))).eksAutoMode).toBe(false);
    });
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
        'kube-system, calico-system, kube-flannel',
        'no CNI enforces NetworkPolicy (DaemonSets: aws-node (Amazon VPC CNI), kube-proxy, ebs-csi-node, efs-csi-node; Amazon VPC CNI present but off: aws-node carries aws-eks-nodeagent with --enable-network-policy=false)',
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

  it('ingress-fqdn says what the FQDN resolves to, and fails when it does not resolve, naming the resolver and why', () => {
    const fqdn = (report: { findings: Finding[] }) => report.findings.find((f) => f.rule === 'ingress-fqdn');
    expect(fqdn(managedPreflightReport(observe('aks'), managedRequirements(specOf('aks'))))).toMatchObject({
      result: 'ok',
      object: 'mlops.acme.com (spec.katonic.fqdn)',
      observed: "resolves to 20.81.14.7 (the worker's resolver)",
    });
    const unresolved = managedPreflightReport(observe('aks', undefined, undefined, NXDOMAIN), managedRequirements(specOf('aks')));
    expect(unresolved.passed).toBe(false);
    expect(failed(unresolved.findings)).toEqual([
      {
        rule: 'ingress-fqdn',
        object: 'mlops.acme.com (spec.katonic.fqdn)',
        observed: 'does not resolve: no such name (NXDOMAIN) (DNS server 10.0.0.2)',
        expected: 'an address: the SSL-terminating load balancer Katonic is served through',
        result: 'failed',
      },
    ]);
  });

  it('ingress-fqdn is a warning where the load balancer comes later (verify.frontDoor: false), and can be ignored', () => {
    const unresolved = (spec: ManagedInstallation) => managedPreflightReport(observe('aks', undefined, undefined, NXDOMAIN), managedRequirements(spec));
    const later = unresolved(specOf('aks', (doc) => (doc.spec.verify = { ...doc.spec.verify, frontDoor: false })));
    expect(later.passed).toBe(true);
    expect(later.findings.find((f) => f.rule === 'ingress-fqdn')).toMatchObject({
      result: 'warning',
      expected: expect.stringContaining('spec.verify.frontDoor is false (the load balancer comes later), so the install goes on') as string,
    });
    const ignored = unresolved(specOf('aks', (doc) => (doc.spec.managed.preflight = { ignore: ['ingress-fqdn'] })));
    expect([ignored.passed, ignored.findings.find((f) => f.rule === 'ingress-fqdn')?.result]).toEqual([true, 'ignored']);
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
