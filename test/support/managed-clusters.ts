// EKS- and AKS-shaped cluster objects, modelled on what those services really report (node
// labels, nodeInfo, capacity and allocatable of m5.2xlarge / Standard_D8s_v3 nodes, the
// kube-system DaemonSets, CSIDriver objects and the StorageClasses they ship), EKS Auto Mode's
// too, and the node agents of each CNI as its upstream manifest deploys it (CNI_SHAPES; the
// manifests and versions are named there and in lib/cluster/cni-agents.ts). Used by the unit
// tests of the preflight rules and, created in the real API server, by the e2e tests.
import { createHash } from 'node:crypto';
import type { V1ConfigMap, V1CSIDriver, V1DaemonSet, V1Deployment, V1Namespace, V1Node, V1StorageClass } from '@kubernetes/client-node';
import type { Installation } from '../../lib/spec/schema.js';

export type Cloud = 'eks' | 'aks';

export interface NodeShape {
  name: string;
  pool: string;
  cpus?: number;
  memoryGiB?: number;
  gpus?: number;
  runtime?: string;
  kubeletVersion?: string;
  ready?: boolean;
  /** An EKS Auto Mode node: its pool is a Karpenter NodePool. */
  autoMode?: boolean;
}

const KIB = 1024;
const uuidOf = (seed: string) =>
  createHash('md5')
    .update(seed)
    .digest('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
// What a kubelet reports of a machine's memory (MemTotal), and what the service keeps for itself.
const reportedKi = (gib: number) => Math.round(gib * 1024 * 1024 * 0.982);
const allocatable = (cloud: Cloud, cpus: number, memKi: number) =>
  cloud === 'eks'
    ? { cpu: `${cpus * 1000 - 90}m`, memory: `${memKi - 1016 * KIB}Ki` }
    : { cpu: `${cpus * 1000 - 180}m`, memory: `${Math.round(memKi * 0.86)}Ki` };

export const SERVER_VERSION: Record<Cloud, string> = { eks: 'v1.30.4-eks-a737599', aks: 'v1.30.5' };

export function node(cloud: Cloud, shape: NodeShape): V1Node {
  const cpus = shape.cpus ?? 8;
  const memKi = reportedKi(shape.memoryGiB ?? 32);
  const gpus: Record<string, string> = shape.gpus ? { 'nvidia.com/gpu': String(shape.gpus) } : {};
  const instanceType =
    cloud === 'eks' ? (shape.gpus ? 'g4dn.2xlarge' : cpus >= 8 ? 'm5.2xlarge' : 'm5.xlarge') : shape.gpus ? 'Standard_NC6s_v3' : `Standard_D${cpus}s_v3`;
  const common = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/instance-type': instanceType,
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/os': 'linux',
    'kubernetes.io/hostname': shape.name,
    'node.kubernetes.io/instance-type': instanceType,
  };
  // EKS Auto Mode's nodes: labelled by the NodePool and NodeClass they come from (AWS EKS user guide, "Create a Node Pool for EKS Auto Mode").
  const autoMode = {
    ...common,
    'eks.amazonaws.com/compute-type': 'auto',
    'eks.amazonaws.com/nodeclass': 'default',
    'karpenter.sh/nodepool': shape.pool,
    'karpenter.sh/capacity-type': 'on-demand',
    'karpenter.sh/initialized': 'true',
    'karpenter.sh/registered': 'true',
    'topology.kubernetes.io/region': 'us-east-1',
    'topology.kubernetes.io/zone': 'us-east-1a',
  };
  const groupLabels: Record<string, string> =
    cloud === 'eks'
      ? {
          ...common,
          'eks.amazonaws.com/capacityType': 'ON_DEMAND',
          'eks.amazonaws.com/nodegroup': shape.pool,
          'eks.amazonaws.com/nodegroup-image': 'ami-0a1b2c3d4e5f67890',
          'topology.kubernetes.io/region': 'us-east-1',
          'topology.kubernetes.io/zone': 'us-east-1a',
          'topology.ebs.csi.aws.com/zone': 'us-east-1a',
        }
      : {
          ...common,
          agentpool: shape.pool,
          'kubernetes.azure.com/agentpool': shape.pool,
          'kubernetes.azure.com/cluster': 'MC_acme_acme-aks_eastus',
          'kubernetes.azure.com/mode': shape.pool === 'platform' ? 'system' : 'user',
          'kubernetes.azure.com/node-image-version': 'AKSUbuntu-2204gen2containerd-202410.15.0',
          'kubernetes.azure.com/os-sku': 'Ubuntu',
          'kubernetes.azure.com/role': 'agent',
          'topology.kubernetes.io/region': 'eastus',
          'topology.kubernetes.io/zone': '0',
        };
  const labels = cloud === 'eks' && shape.autoMode ? autoMode : groupLabels;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: shape.name, labels },
    spec:
      cloud === 'eks'
        ? { providerID: `aws:///us-east-1a/i-0${shape.name.replace(/\D/g, '').padEnd(16, '0').slice(0, 16)}` }
        : { providerID: `azure:///subscriptions/0000/resourceGroups/mc_acme/providers/Microsoft.Compute/virtualMachineScaleSets/${shape.name}` },
    status: {
      capacity: { cpu: String(cpus), memory: `${memKi}Ki`, pods: cloud === 'eks' ? '58' : '110', 'ephemeral-storage': '83873772Ki', ...gpus },
      allocatable: { ...allocatable(cloud, cpus, memKi), pods: cloud === 'eks' ? '58' : '110', 'ephemeral-storage': '76224326324', ...gpus },
      conditions: [
        {
          type: 'Ready',
          status: shape.ready === false ? 'False' : 'True',
          reason: shape.ready === false ? 'KubeletNotReady' : 'KubeletReady',
          message: 'kubelet is posting ready status',
        },
      ],
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        osImage: cloud === 'eks' ? 'Amazon Linux 2' : 'Ubuntu 22.04.5 LTS',
        kernelVersion: cloud === 'eks' ? '5.10.225-213.878.amzn2.x86_64' : '5.15.0-1074-azure',
        containerRuntimeVersion: shape.runtime ?? (cloud === 'eks' ? 'containerd://1.7.22' : 'containerd://1.7.22-1'),
        kubeletVersion: shape.kubeletVersion ?? SERVER_VERSION[cloud],
        kubeProxyVersion: shape.kubeletVersion ?? SERVER_VERSION[cloud],
        // Hex with a letter up front: kwok templates these into YAML, where all digits would be a number.
        machineID: `${cloud === 'eks' ? 'ec2' : 'a2f'}${createHash('md5').update(shape.name).digest('hex').slice(3)}`,
        systemUUID: uuidOf(shape.name),
        bootID: uuidOf(`boot-${shape.name}`),
      },
    },
  };
}

type Container = { name: string; image: string; command?: string[]; args?: string[] };

function daemonSet(name: string, containers: Container[], namespace = 'kube-system', initContainers: Container[] = []): V1DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { 'k8s-app': name } },
      template: { metadata: { labels: { 'k8s-app': name } }, spec: { ...(initContainers.length ? { initContainers } : {}), containers } },
    },
  };
}

const configMap = (namespace: string, name: string, data: Record<string, string>): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});

/** A CNI's node agent as its upstream manifest deploys it, and the ConfigMap its NetworkPolicy setting is read from. */
export interface CniShape {
  daemonSets: V1DaemonSet[];
  configMaps: V1ConfigMap[];
}

const ECR = '602401143452.dkr.ecr.us-east-1.amazonaws.com';
const CALICO = 'v3.31.7';
const CILIUM = 'quay.io/cilium/cilium:v1.19.1';
const ANTREA = 'antrea/antrea-agent-ubuntu:latest';

/**
 * The node agents of each CNI, as upstream ships them:
 * - vpcCni: aws/amazon-vpc-cni-k8s charts/aws-vpc-cni 1.23.1 (templates/daemonset.yaml,
 *   values.yaml), pulled from the us-east-1 ECR as the EKS add-on does: aws-node with the
 *   container aws-eks-nodeagent (image amazon/aws-network-policy-agent) and its
 *   --enable-network-policy (the add-on's enableNetworkPolicy; "false" by default); with
 *   nodeAgent.enabled false, no agent container at all. The chart's ConfigMap amazon-vpc-cni
 *   carries enable-network-policy-controller beside it.
 * - calicoManifest: projectcalico/calico manifests/calico.yaml (release-v3.31, v3.31.7), calico-node in kube-system.
 * - calicoOperator: tigera/operator release-v1.40 (Calico v3.31.7): calico-node in calico-system
 *   (pkg/render/node.go: init containers flexvol-driver and install-cni, container calico-node).
 * - cilium: cilium/cilium install/kubernetes/cilium 1.19: DaemonSet cilium (container
 *   cilium-agent, --config-dir=/tmp/cilium/config-map), ConfigMap cilium-config with
 *   enable-policy (policyEnforcementMode) and enable-k8s-networkpolicy.
 * - azureNpm: Azure/azure-container-networking npm/azure-npm.yaml (azure-npm v1.6.29).
 * - antrea: antrea-io/antrea build/yamls/antrea.yml at main (v2.8.0-dev, image tag latest):
 *   antrea-agent with containers antrea-agent and antrea-ovs, init container install-cni.
 */
export const CNI_SHAPES = {
  vpcCni: (opts: { networkPolicy: boolean; nodeAgent?: boolean }): CniShape => ({
    daemonSets: [
      daemonSet(
        'aws-node',
        [
          { name: 'aws-node', image: `${ECR}/amazon-k8s-cni:v1.23.1` },
          ...(opts.nodeAgent === false
            ? []
            : [
                {
                  name: 'aws-eks-nodeagent',
                  image: `${ECR}/amazon/aws-network-policy-agent:v1.4.2`,
                  args: [
                    '--enable-ipv6=false',
                    `--enable-network-policy=${opts.networkPolicy}`,
                    '--enable-cloudwatch-logs=false',
                    '--enable-policy-event-logs=false',
                    '--log-file=/var/log/aws-routed-eni/network-policy-agent.log',
                    '--metrics-bind-addr=:8162',
                    '--health-probe-bind-addr=:8163',
                    '--conntrack-cache-cleanup-period=300',
                    '--conntrack-cache-table-size=524288',
                    '--log-level=debug',
                  ],
                },
              ]),
        ],
        'kube-system',
        [{ name: 'aws-vpc-cni-init', image: `${ECR}/amazon-k8s-cni-init:v1.23.1` }],
      ),
    ],
    configMaps: [
      configMap('kube-system', 'amazon-vpc-cni', { 'enable-network-policy-controller': String(opts.networkPolicy), 'enable-windows-ipam': 'false' }),
    ],
  }),
  calicoManifest: (): CniShape => ({
    daemonSets: [
      daemonSet('calico-node', [{ name: 'calico-node', image: `quay.io/calico/node:${CALICO}` }], 'kube-system', [
        { name: 'upgrade-ipam', image: `quay.io/calico/cni:${CALICO}`, command: ['/opt/cni/bin/calico-ipam', '-upgrade'] },
        { name: 'install-cni', image: `quay.io/calico/cni:${CALICO}`, command: ['/opt/cni/bin/install'] },
      ]),
    ],
    configMaps: [],
  }),
  calicoOperator: (): CniShape => ({
    daemonSets: [
      daemonSet('calico-node', [{ name: 'calico-node', image: `quay.io/calico/node:${CALICO}` }], 'calico-system', [
        { name: 'flexvol-driver', image: `quay.io/calico/pod2daemon-flexvol:${CALICO}` },
        { name: 'install-cni', image: `quay.io/calico/cni:${CALICO}`, command: ['/opt/cni/bin/install'] },
      ]),
    ],
    configMaps: [],
  }),
  cilium: (opts: { policyEnforcementMode?: 'default' | 'always' | 'never'; k8sNetworkPolicy?: boolean } = {}): CniShape => ({
    daemonSets: [
      daemonSet('cilium', [{ name: 'cilium-agent', image: CILIUM, command: ['cilium-agent'], args: ['--config-dir=/tmp/cilium/config-map'] }], 'kube-system', [
        { name: 'config', image: CILIUM, command: ['cilium', 'build-config'] },
        { name: 'mount-cgroup', image: CILIUM },
        { name: 'apply-sysctl-overwrites', image: CILIUM },
        { name: 'mount-bpf-fs', image: CILIUM },
        { name: 'clean-cilium-state', image: CILIUM },
        { name: 'install-cni-binaries', image: CILIUM },
      ]),
    ],
    configMaps: [
      configMap('kube-system', 'cilium-config', {
        'enable-policy': opts.policyEnforcementMode ?? 'default',
        'enable-k8s-networkpolicy': String(opts.k8sNetworkPolicy ?? true),
        'enable-ipv4': 'true',
        'identity-allocation-mode': 'crd',
      }),
    ],
  }),
  azureNpm: (): CniShape => ({
    daemonSets: [daemonSet('azure-npm', [{ name: 'azure-npm', image: 'mcr.microsoft.com/containernetworking/azure-npm:v1.6.29' }])],
    configMaps: [],
  }),
  antrea: (): CniShape => ({
    daemonSets: [
      daemonSet(
        'antrea-agent',
        [
          {
            name: 'antrea-agent',
            image: ANTREA,
            command: ['antrea-agent'],
            args: ['--config=/etc/antrea/antrea-agent.conf', '--logtostderr=false', '--log_dir=/var/log/antrea', '--alsologtostderr'],
          },
          { name: 'antrea-ovs', image: ANTREA, command: ['start_ovs'], args: ['--log_file_max_size=100', '--log_file_max_num=4'] },
        ],
        'kube-system',
        [{ name: 'install-cni', image: ANTREA, command: ['install_cni'] }],
      ),
    ],
    configMaps: [],
  }),
};

/** kube-system DaemonSets: the VPC CNI (network policy agent on or off), or Azure CNI with Azure NPM (or without policy); EKS Auto Mode runs none of its own (its CNI, kube-proxy and EBS driver run on the node), the EFS add-on's alone. */
export function systemDaemonSets(cloud: Cloud, networkPolicy: boolean, autoMode = false): V1DaemonSet[] {
  const efs = daemonSet('efs-csi-node', [{ name: 'efs-plugin', image: `${ECR}/eks/aws-efs-csi-driver:v2.0.7` }]);
  if (cloud === 'eks' && autoMode) return [efs];
  if (cloud === 'eks') {
    return [
      ...CNI_SHAPES.vpcCni({ networkPolicy }).daemonSets,
      daemonSet('kube-proxy', [{ name: 'kube-proxy', image: `${ECR}/eks/kube-proxy:v1.30.3-minimal-eksbuild.5` }]),
      daemonSet('ebs-csi-node', [{ name: 'ebs-plugin', image: `${ECR}/eks/aws-ebs-csi-driver:v1.35.0` }]),
      efs,
    ];
  }
  return [
    daemonSet('azure-cns', [{ name: 'cns-container', image: 'mcr.microsoft.com/containernetworking/azure-cns:v1.6.13' }]),
    daemonSet('azure-ip-masq-agent', [{ name: 'azure-ip-masq-agent', image: 'mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.13' }]),
    daemonSet('cloud-node-manager', [{ name: 'cloud-node-manager', image: 'mcr.microsoft.com/oss/kubernetes/azure-cloud-node-manager:v1.30.5' }]),
    daemonSet('csi-azuredisk-node', [{ name: 'azuredisk', image: 'mcr.microsoft.com/oss/kubernetes-csi/azuredisk-csi:v1.30.4' }]),
    daemonSet('csi-azurefile-node', [{ name: 'azurefile', image: 'mcr.microsoft.com/oss/kubernetes-csi/azurefile-csi:v1.30.5' }]),
    daemonSet('kube-proxy', [{ name: 'kube-proxy', image: 'mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.30.5' }]),
    ...(networkPolicy ? CNI_SHAPES.azureNpm().daemonSets : []),
  ];
}

/** The CNI ConfigMaps: the VPC CNI chart's amazon-vpc-cni (on EKS Auto Mode, the one AWS's guide has applied to enable the network policy controller). */
export function systemConfigMaps(cloud: Cloud, networkPolicy: boolean, autoMode = false): V1ConfigMap[] {
  if (cloud !== 'eks') return [];
  if (autoMode) return networkPolicy ? [configMap('kube-system', 'amazon-vpc-cni', { 'enable-network-policy-controller': 'true' })] : [];
  return CNI_SHAPES.vpcCni({ networkPolicy }).configMaps;
}

export function csiDrivers(cloud: Cloud, autoMode = false): V1CSIDriver[] {
  const ebs = autoMode ? 'ebs.csi.eks.amazonaws.com' : 'ebs.csi.aws.com';
  const names = cloud === 'eks' ? [ebs, 'efs.csi.aws.com'] : ['disk.csi.azure.com', 'file.csi.azure.com'];
  return names.map((name) => ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'CSIDriver',
    metadata: { name },
    spec: { attachRequired: !name.startsWith('efs') && !name.startsWith('file'), podInfoOnMount: false },
  }));
}

const defaultClass = { 'storageclass.kubernetes.io/is-default-class': 'true' };

/** The StorageClasses the service creates with a new cluster (EKS Auto Mode creates none: "EKS Auto Mode does not create a StorageClass for you"). */
export function shippedStorageClasses(cloud: Cloud, autoMode = false): V1StorageClass[] {
  if (autoMode) return [];
  const sc = (name: string, provisioner: string, parameters: Record<string, string>, more: Partial<V1StorageClass> = {}): V1StorageClass => ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, ...(more.metadata ?? {}) },
    provisioner,
    parameters,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
    ...more,
  });
  if (cloud === 'eks') return [sc('gp2', 'kubernetes.io/aws-ebs', { type: 'gp2', fsType: 'ext4' }, { metadata: { name: 'gp2', annotations: defaultClass } })];
  const aksLabels = { 'addonmanager.kubernetes.io/mode': 'EnsureExists', 'kubernetes.io/cluster-service': 'true' };
  return [
    sc(
      'default',
      'disk.csi.azure.com',
      { skuname: 'StandardSSD_LRS' },
      { metadata: { name: 'default', labels: aksLabels, annotations: defaultClass }, allowVolumeExpansion: true },
    ),
    sc(
      'managed-csi',
      'disk.csi.azure.com',
      { skuname: 'StandardSSD_LRS' },
      { metadata: { name: 'managed-csi', labels: aksLabels }, allowVolumeExpansion: true },
    ),
    sc(
      'azurefile-csi',
      'file.csi.azure.com',
      { skuName: 'Standard_LRS' },
      {
        metadata: { name: 'azurefile-csi', labels: aksLabels },
        allowVolumeExpansion: true,
        volumeBindingMode: 'Immediate',
        mountOptions: ['mfsymlinks', 'actimeo=30', 'nosharesock'],
      },
    ),
  ];
}

/** A healthy cluster: platform and compute pools of `perPool` nodes, a NetworkPolicy CNI, the CSI drivers (EKS Auto Mode's with `autoMode`). */
export function clusterObjects(cloud: Cloud, perPool = 2, change: { nodes?: V1Node[]; networkPolicy?: boolean; autoMode?: boolean } = {}) {
  const autoMode = cloud === 'eks' && Boolean(change.autoMode);
  const prefix =
    cloud === 'eks'
      ? (pool: string, i: number) => `ip-10-0-${pool === 'platform' ? 1 : 2}-${10 + i}.ec2.internal`
      : (pool: string, i: number) => `aks-${pool}-12345678-vmss00000${i}`;
  const nodes =
    change.nodes ??
    ['platform', 'compute'].flatMap((pool) => Array.from({ length: perPool }, (_, i) => node(cloud, { name: prefix(pool, i), pool, autoMode })));
  const networkPolicy = change.networkPolicy ?? true;
  return {
    nodes,
    daemonSets: systemDaemonSets(cloud, networkPolicy, autoMode),
    configMaps: systemConfigMaps(cloud, networkPolicy, autoMode),
    csiDrivers: csiDrivers(cloud, autoMode),
    storageClasses: shippedStorageClasses(cloud, autoMode),
  };
}

/** Turns the demo spec into a managed install of `cloud` through `kubeconfig` (a file). */
export const asManagedSpec =
  (cloud: Cloud, kubeconfig: string) =>
  (spec: Installation): void => {
    spec.spec.flow = cloud;
    delete spec.spec.onprem;
    // The classes' CSI drivers (EBS, EFS, Azure Disk and Files) would need cloud credentials: nobody provisions here.
    spec.spec.verify = { ...spec.spec.verify, storageSmoke: false };
    spec.spec.managed =
      cloud === 'eks'
        ? {
            kubeconfigRef: `file:${kubeconfig}`,
            blobStore: { kind: 's3', bucket: 'acme-katonic-backups', region: 'us-east-1' },
            registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
            storage: { kfs: { fileSystemId: 'fs-0123456789abcdef0' } },
          }
        : { kubeconfigRef: `file:${kubeconfig}`, blobStore: { kind: 'azureBlob', account: 'acmekatonic', container: 'backups' }, registry: 'acme.azurecr.io' };
  };

/**
 * The AKS Istio add-on's control plane, as Microsoft's docs show it (MicrosoftDocs/azure-aks-docs
 * articles/aks/istio-deploy-addon.md, 2026-09: pods istiod-asm-1-24-* in aks-istio-system, the
 * revision asm-X-Y; namespaces join it by istio.io/rev=asm-X-Y only) and as Istio's istio-discovery
 * chart names and labels a revision's Deployment (istiod-<revision>, app=istiod, istio.io/rev).
 */
export function aksIstioAddon(revision = 'asm-1-24', replicas = 2): { namespace: V1Namespace; deployment: V1Deployment } {
  const name = `istiod-${revision}`;
  const selector = { app: 'istiod', 'istio.io/rev': revision };
  return {
    namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'aks-istio-system' } },
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'aks-istio-system', labels: { ...selector, istio: 'pilot', 'operator.istio.io/component': 'Pilot' } },
      spec: {
        replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...selector, istio: 'istiod', 'sidecar.istio.io/inject': 'false' } },
          spec: {
            containers: [{ name: 'discovery', image: `mcr.microsoft.com/oss/istio/pilot:1.24.3-distroless`, args: ['discovery', '--monitoringAddr=:15014'] }],
          },
        },
      },
    },
  };
}
