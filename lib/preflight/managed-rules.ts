// The seed's cluster requirements for a managed cluster (AKS, EKS), judged from what the
// Kubernetes API returned. Every rule reports, so the operator sees all findings at once,
// each naming the object it is about.
//
// Node sizes: the seed's worker row (8 CPU, 16 GB) describes machines, as the on-prem check
// does with Ansible's facts. So a node's *capacity* is compared (memory with the same 5%
// tolerance: the kernel keeps some), and its allocatable (capacity minus what the service
// reserves for the kubelet and the system) is shown beside it: an AKS node of 16 GB has
// about 12 GB allocatable, and comparing that with 16 would refuse every node of that size.
import { findingsPass, formatFindings, type Finding as AnyFinding } from '../checks/finding.js';
import { fqdnFinding, type DnsAnswer } from '../checks/fqdn-rule.js';
import { autoModePolicy, CNI_AGENT_NAMESPACES, CNIS, cniOf, type AgentDaemonSet, type CniConfigMaps } from '../cluster/cni-agents.js';
import { isEksAutoMode, managedCloud, type ManagedFlow } from '../managed/clouds.js';
import type { ObservedMesh } from '../mesh/istio-mesh.js';
import { compareVersions } from '../spec/kubespray-releases.js';
import { meshSettings, type MeshSettings } from '../spec/mesh-settings.js';
import type { PoolSelector as SpecPool } from '../spec/managed-schema.js';
import type { ManagedInstallation } from '../spec/schema.js';
import { verifySettings } from '../spec/verify-settings.js';
import { meshRule } from './mesh-rule.js';
import { GIB, parseQuantity } from './quantity.js';
import { MEMORY_TOLERANCE, SEED_REQUIREMENTS } from './requirements.js';

export const MANAGED_RULES = [
  'server-version',
  'container-runtime',
  'node-pools',
  'gpu-pool',
  'network-policy',
  'csi-drivers',
  'ingress-fqdn',
  'mesh',
] as const;
export type ManagedRule = (typeof MANAGED_RULES)[number];

export interface ObservedNode {
  name: string;
  labels: Record<string, string>;
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  /** nodeInfo.containerRuntimeVersion, e.g. containerd://1.7.22 */
  containerRuntimeVersion: string;
  /** nodeInfo.kubeletVersion, e.g. v1.30.4-eks-a737599 */
  kubeletVersion: string;
  ready: boolean;
}

/** A DaemonSet of the system namespaces, as far as CNI detection needs it. */
export type ObservedDaemonSet = AgentDaemonSet;

export interface ObservedManagedCluster {
  /** The API server's gitVersion (GET /version), e.g. v1.30.4-eks-a737599 */
  serverVersion: string;
  nodes: ObservedNode[];
  daemonSets: ObservedDaemonSet[];
  /** The CNI ConfigMaps that exist (CNI_CONFIG_MAPS): Cilium's and the VPC CNI's settings. */
  cniConfig: CniConfigMaps;
  csiDrivers: string[];
  /** spec.katonic.fqdn through DNS. */
  fqdn: DnsAnswer;
  mesh: ObservedMesh;
}

/** A node pool: the labels its nodes carry. */
export interface PoolSelector {
  labels: Record<string, string>;
}

export interface ManagedRequirements {
  flow: ManagedFlow;
  /** An EKS cluster whose nodes are all Auto Mode's: its pools, block storage driver and CNI are Auto Mode's (EKS_AUTO_MODE). */
  eksAutoMode: boolean;
  minKubeVersion: string;
  platform: { selector: PoolSelector; cpus: number; memoryGb: number };
  compute: { selector: PoolSelector; cpus: number; memoryGb: number };
  gpu?: { selector: PoolSelector };
  /** spec.verify.frontDoor: off, the load balancer comes later and an FQDN without an address is a warning. */
  frontDoor: boolean;
  mesh: MeshSettings;
  /** metadata.name: an istiod its own Katonic role deployed is not another mesh. */
  installName: string;
  ignore: ManagedRule[];
}

export type Finding = AnyFinding<ManagedRule>;

export interface ManagedPreflightReport {
  passed: boolean;
  findings: Finding[];
}

const NAMES_SHOWN = 5;
const MIN_VERSION_DEFAULT = '1.20';
const DOCKER_REFUSED_FROM = '1.21';

/** "Nodes a, b, c and 7 more": the objects a finding is about, bounded for clusters of hundreds of nodes. */
export function nodeList(names: string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).join(', ');
  return `${names.length === 1 ? 'Node' : 'Nodes'} ${shown}${names.length > NAMES_SHOWN ? ` and ${names.length - NAMES_SHOWN} more` : ''}`;
}

/** Groups items by a description; undefined descriptions are left out. Insertion order is kept. */
function groupBy<T>(items: T[], describe: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = describe(item);
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}

const versionOf = (gitVersion: string) => /^v?(\d+\.\d+(\.\d+)?)/.exec(gitVersion)?.[1];
const describeSelector = (s: PoolSelector) =>
  Object.entries(s.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
const matches = (node: ObservedNode, s: PoolSelector) => Object.entries(s.labels).every(([k, v]) => node.labels[k] === v);
const cpus = (n: number | undefined) => (n === undefined ? '?' : `${Number(n.toFixed(2))} CPUs`);
const gib = (n: number | undefined) => (n === undefined ? '?' : `${(n / GIB).toFixed(1)} GiB`);

function serverVersionRule(observed: ObservedManagedCluster, req: ManagedRequirements): Finding[] {
  const version = versionOf(observed.serverVersion);
  const expected = `>= ${req.minKubeVersion}`;
  const ok = version !== undefined && compareVersions(version, req.minKubeVersion) >= 0;
  return [{ rule: 'server-version', object: 'API server', observed: observed.serverVersion || '(unknown)', expected, result: ok ? 'ok' : 'failed' }];
}

function runtimeRule(observed: ObservedManagedCluster): Finding[] {
  const expected = 'containerd';
  const verdict = (n: ObservedNode): string => {
    const runtime = n.containerRuntimeVersion.split('://')[0] ?? '';
    if (runtime === 'containerd') return 'ok';
    if (runtime !== 'docker') return `failed ${runtime || '(none reported)'}`;
    const kubelet = versionOf(n.kubeletVersion) ?? '0.0';
    return compareVersions(kubelet, DOCKER_REFUSED_FROM) >= 0 ? 'failed docker' : 'warning docker';
  };
  const findings: Finding[] = [];
  for (const [key, nodes] of groupBy(observed.nodes, verdict)) {
    const names = nodes.map((n) => n.name);
    const runtimes = [...new Set(nodes.map((n) => n.containerRuntimeVersion || '(none)'))].slice(0, 3).join(', ');
    if (key === 'ok') findings.push({ rule: 'container-runtime', object: `${nodeList(names)} (${names.length})`, observed: runtimes, expected, result: 'ok' });
    else if (key === 'failed docker') {
      findings.push({
        rule: 'container-runtime',
        object: nodeList(names),
        observed: `${runtimes} on Kubernetes ${[...new Set(nodes.map((n) => n.kubeletVersion))].slice(0, 3).join(', ')}`,
        expected: `containerd: Docker is deprecated as a container runtime from Kubernetes 1.21, and AKS and EKS default to containerd; move these nodes to a node pool or AMI with containerd`,
        result: 'failed',
      });
    } else if (key === 'warning docker') {
      findings.push({
        rule: 'container-runtime',
        object: nodeList(names),
        observed: runtimes,
        expected: `containerd (Docker is accepted below Kubernetes 1.21; an upgrade must keep the Docker runtime or move to containerd)`,
        result: 'warning',
      });
    } else findings.push({ rule: 'container-runtime', object: nodeList(names), observed: runtimes, expected, result: 'failed' });
  }
  if (!observed.nodes.length) findings.push({ rule: 'container-runtime', object: 'Nodes', observed: 'no nodes', expected, result: 'failed' });
  return findings;
}

function poolRule(role: 'platform' | 'compute', pool: ManagedRequirements['platform'], observed: ObservedManagedCluster, req: ManagedRequirements): Finding[] {
  const object = `${role} pool (${describeSelector(pool.selector)})`;
  const expected = `Ready nodes of >= ${pool.cpus} CPUs and >= ${pool.memoryGb} GB memory (capacity)`;
  const nodes = observed.nodes.filter((n) => matches(n, pool.selector));
  if (!nodes.length) {
    const poolLabel = managedCloud(req.flow, req.eksAutoMode).poolLabel;
    const pools = [...new Set(observed.nodes.map((n) => n.labels[poolLabel]).filter((v): v is string => Boolean(v)))];
    const found = pools.length ? `pools found by ${poolLabel}: ${pools.slice(0, 10).join(', ')}` : `no node carries ${poolLabel}`;
    return [{ rule: 'node-pools', object, observed: `no node matches (${found})`, expected, result: 'failed' }];
  }
  const shortfall = (n: ObservedNode): string | undefined => {
    const cpu = parseQuantity(n.capacity.cpu);
    const memory = parseQuantity(n.capacity.memory);
    const lacks: string[] = [];
    if (cpu === undefined || cpu < pool.cpus) lacks.push(`${cpus(cpu)}`);
    if (memory === undefined || memory < pool.memoryGb * GIB * MEMORY_TOLERANCE) lacks.push(`${gib(memory)} memory`);
    if (!n.ready) lacks.push('not Ready');
    return lacks.length ? lacks.join(', ') : undefined;
  };
  const findings: Finding[] = [];
  for (const [lacks, short] of groupBy(nodes, shortfall)) {
    findings.push({
      rule: 'node-pools',
      object: `${nodeList(short.map((n) => n.name))} of the ${object}`,
      observed: `${lacks} (${short.length} of ${nodes.length} nodes)`,
      expected,
      result: 'failed',
    });
  }
  if (!findings.length) {
    const smallest = (resource: string, of: Record<string, string>[]) => Math.min(...of.map((r) => parseQuantity(r[resource]) ?? 0));
    const capacity = nodes.map((n) => n.capacity);
    const allocatable = nodes.map((n) => n.allocatable);
    findings.push({
      rule: 'node-pools',
      object,
      observed: `${nodes.length} nodes, the smallest ${cpus(smallest('cpu', capacity))} / ${gib(smallest('memory', capacity))} (allocatable ${cpus(smallest('cpu', allocatable))} / ${gib(smallest('memory', allocatable))})`,
      expected,
      result: 'ok',
    });
  }
  return findings;
}

function distinctPoolsRule(observed: ObservedManagedCluster, req: ManagedRequirements): Finding[] {
  const both = observed.nodes.filter((n) => matches(n, req.platform.selector) && matches(n, req.compute.selector));
  if (!both.length) return [];
  return [
    {
      rule: 'node-pools',
      object: nodeList(both.map((n) => n.name)),
      observed: 'in both the platform and the compute pool',
      expected: 'distinct node pools for the platform and for compute (user workloads)',
      result: 'failed',
    },
  ];
}

const GPU = 'nvidia.com/gpu';

function gpuRule(observed: ObservedManagedCluster, req: ManagedRequirements): Finding[] {
  const withGpus = (n: ObservedNode) => (parseQuantity(n.capacity[GPU]) ?? 0) > 0;
  if (!req.gpu) {
    const gpuNodes = observed.nodes.filter(withGpus);
    return [
      {
        rule: 'gpu-pool',
        object: 'GPU pool',
        observed: gpuNodes.length ? `none named in spec.managed.pools.gpu; ${gpuNodes.length} nodes offer ${GPU}` : 'none (optional)',
        expected: 'optional',
        result: 'ok',
      },
    ];
  }
  const object = `gpu pool (${describeSelector(req.gpu.selector)})`;
  const expected = `nodes with ${GPU} capacity (the NVIDIA device plugin advertises it)`;
  const nodes = observed.nodes.filter((n) => matches(n, req.gpu!.selector));
  if (!nodes.length) return [{ rule: 'gpu-pool', object, observed: 'no node matches', expected, result: 'failed' }];
  const without = nodes.filter((n) => !withGpus(n));
  if (without.length)
    return [
      {
        rule: 'gpu-pool',
        object: `${nodeList(without.map((n) => n.name))} of the ${object}`,
        observed: `no ${GPU} (${without.length} of ${nodes.length} nodes)`,
        expected,
        result: 'failed',
      },
    ];
  const total = nodes.reduce((sum, n) => sum + (parseQuantity(n.capacity[GPU]) ?? 0), 0);
  return [{ rule: 'gpu-pool', object, observed: `${nodes.length} nodes, ${total} GPUs`, expected, result: 'ok' }];
}

const POLICY_CNIS = CNIS.filter((cni) => cni.networkPolicy).map((cni) => cni.name);

/** A CNI that enforces NetworkPolicy, recognised by its DaemonSet's images and judged by its own switch (lib/cluster/cni-agents.ts); on EKS Auto Mode, the managed VPC CNI's. */
function networkPolicyRule(observed: ObservedManagedCluster, req: ManagedRequirements): Finding[] {
  if (req.eksAutoMode) {
    const policy = autoModePolicy(observed.cniConfig);
    const expected = `EKS Auto Mode's VPC CNI with its network policy controller enabled (the ConfigMap kube-system/amazon-vpc-cni, enable-network-policy-controller: "true")`;
    return [
      policy.enforced
        ? { rule: 'network-policy', object: 'EKS Auto Mode VPC CNI', observed: policy.by, expected, result: 'ok' }
        : { rule: 'network-policy', object: 'EKS Auto Mode VPC CNI', observed: `NetworkPolicy not enforced: ${policy.because}`, expected, result: 'failed' },
    ];
  }
  const expected = `a CNI that enforces NetworkPolicy: ${POLICY_CNIS.join(', ')}`;
  const judged = observed.daemonSets.flatMap((ds) => {
    const cni = cniOf(ds);
    return cni?.networkPolicy ? [{ ds: `${ds.namespace}/${ds.name}`, cni: cni.name, policy: cni.networkPolicy(ds, observed.cniConfig) }] : [];
  });
  const on = judged.flatMap(({ ds, cni, policy }) => (policy.enforced ? [{ object: `${ds} (${cni})`, by: policy.by }] : []));
  if (on.length)
    return [
      { rule: 'network-policy', object: `DaemonSet ${on.map((o) => o.object).join(', ')}`, observed: on.map((o) => o.by).join('; '), expected, result: 'ok' },
    ];
  // A CNI that can enforce NetworkPolicy but has it off is named with the switch that says so.
  const off = judged.flatMap(({ cni, policy }) => (policy.enforced ? [] : [`${cni} present but off: ${policy.because}`]));
  const seen =
    observed.daemonSets
      .map((ds) => {
        const cni = cniOf(ds)?.name;
        return cni ? `${ds.name} (${cni})` : ds.name;
      })
      .join(', ') || 'none';
  return [
    {
      rule: 'network-policy',
      object: CNI_AGENT_NAMESPACES.join(', '),
      observed: `no CNI enforces NetworkPolicy (DaemonSets: ${seen}${off.length ? `; ${off.join('; ')}` : ''})`,
      expected,
      result: 'failed',
    },
  ];
}

/** Where each CSI driver comes from, for the message when it is missing. */
const CSI_GUIDANCE: Record<string, string> = {
  'ebs.csi.aws.com': 'the Amazon EBS CSI driver (EKS add-on aws-ebs-csi-driver)',
  'ebs.csi.eks.amazonaws.com': "EKS Auto Mode's block storage (the cluster's storageConfig.blockStorage.enabled)",
  'efs.csi.aws.com': 'the Amazon EFS CSI driver (EKS add-on aws-efs-csi-driver)',
  'disk.csi.azure.com': 'the Azure Disk CSI driver (az aks update --enable-disk-driver)',
  'file.csi.azure.com': 'the Azure Files CSI driver (az aks update --enable-file-driver)',
};

function csiRule(observed: ObservedManagedCluster, req: ManagedRequirements): Finding[] {
  const cloud = managedCloud(req.flow, req.eksAutoMode);
  const needed = [
    { driver: cloud.kdisk.provisioner, for: 'kdisk' },
    { driver: cloud.kfs.provisioner, for: 'kfs' },
  ];
  return needed.map(({ driver, for: cls }) => {
    const present = observed.csiDrivers.includes(driver);
    return {
      rule: 'csi-drivers',
      object: `CSIDriver ${driver}`,
      observed: present ? 'installed' : 'not installed',
      expected: `${CSI_GUIDANCE[driver] ?? driver}, for ${cls}`,
      result: present ? 'ok' : 'failed',
    };
  });
}

function ingressRule(observed: ObservedManagedCluster, req: ManagedRequirements): Finding[] {
  return [fqdnFinding(observed.fqdn, req.frontDoor)];
}

export function managedPreflightReport(observed: ObservedManagedCluster, req: ManagedRequirements): ManagedPreflightReport {
  const findings = [
    ...serverVersionRule(observed, req),
    ...runtimeRule(observed),
    ...poolRule('platform', req.platform, observed, req),
    ...poolRule('compute', req.compute, observed, req),
    ...distinctPoolsRule(observed, req),
    ...gpuRule(observed, req),
    ...networkPolicyRule(observed, req),
    ...csiRule(observed, req),
    ...ingressRule(observed, req),
    ...meshRule(observed.mesh, req.mesh, req.installName),
  ].map((f): Finding => (f.result === 'failed' && req.ignore.includes(f.rule) ? { ...f, result: 'ignored' } : f));
  return { passed: findingsPass(findings), findings };
}

/**
 * The requirements a managed spec sets: the seed's, with the spec's pools, minimums and ignored
 * rules. A pool named by name is found by the cloud's pool label, which on EKS Auto Mode (the
 * nodes read from the cluster say so; without them, the spec alone is judged) is the Karpenter
 * NodePool's.
 */
export function managedRequirements(doc: ManagedInstallation, observed?: Pick<ObservedManagedCluster, 'nodes'>): ManagedRequirements {
  const { flow, managed } = doc.spec;
  const eksAutoMode = flow === 'eks' && isEksAutoMode(observed?.nodes ?? []);
  const poolLabel = managedCloud(flow, eksAutoMode).poolLabel;
  const selector = (pool: SpecPool): PoolSelector => (typeof pool === 'string' ? { labels: { [poolLabel]: pool } } : { labels: pool.labels });
  const { pools, preflight } = managed;
  const worker = SEED_REQUIREMENTS.worker;
  return {
    flow,
    eksAutoMode,
    minKubeVersion: preflight?.minKubeVersion?.replace(/^v/, '') ?? MIN_VERSION_DEFAULT,
    platform: { selector: selector(pools?.platform ?? 'platform'), cpus: worker.cpus, memoryGb: worker.memoryGb, ...preflight?.platform },
    compute: { selector: selector(pools?.compute ?? 'compute'), cpus: worker.cpus, memoryGb: worker.memoryGb, ...preflight?.compute },
    gpu: pools?.gpu ? { selector: selector(pools.gpu) } : undefined,
    frontDoor: verifySettings(doc).frontDoor,
    mesh: meshSettings(doc),
    installName: doc.metadata.name,
    ignore: preflight?.ignore ?? [],
  };
}

/** The report as a table: what `kinstall plan` prints and a failed preflight says. */
export const formatManagedReport = (report: ManagedPreflightReport): string => formatFindings(report.findings);
