// EKS- and AKS-shaped cluster objects, modelled on what those services really report (node
// labels, nodeInfo, capacity and allocatable of m5.2xlarge / Standard_D8s_v3 nodes, the
// kube-system DaemonSets, CSIDriver objects and the StorageClasses they ship). Used by the
// unit tests of the preflight rules and, created in the real API server, by the e2e tests.
import { createHash } from 'node:crypto';
import type { V1CSIDriver, V1DaemonSet, V1Node, V1StorageClass } from '@kubernetes/client-node';
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
  const labels: Record<string, string> =
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

function daemonSet(name: string, containers: { name: string; image: string; args?: string[] }[], namespace = 'kube-system'): V1DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { 'k8s-app': name } },
      template: { metadata: { labels: { 'k8s-app': name } }, spec: { containers } },
    },
  };
}

const ECR = '602401143452.dkr.ecr.us-east-1.amazonaws.com';

/** kube-system DaemonSets: the VPC CNI (network policy agent on or off), or Azure CNI with Azure NPM (or without policy). */
export function systemDaemonSets(cloud: Cloud, networkPolicy: boolean): V1DaemonSet[] {
  if (cloud === 'eks') {
    return [
      daemonSet('aws-node', [
        { name: 'aws-node', image: `${ECR}/amazon-k8s-cni:v1.18.3-eksbuild.2` },
        {
          name: 'aws-network-policy-agent',
          image: `${ECR}/amazon/aws-network-policy-agent:v1.1.2-eksbuild.2`,
          args: ['--enable-ipv6=false', `--enable-network-policy=${networkPolicy}`, '--enable-cloudwatch-logs=false', '--metrics-bind-addr=:8162'],
        },
      ]),
      daemonSet('kube-proxy', [{ name: 'kube-proxy', image: `${ECR}/eks/kube-proxy:v1.30.3-minimal-eksbuild.5` }]),
      daemonSet('ebs-csi-node', [{ name: 'ebs-plugin', image: `${ECR}/eks/aws-ebs-csi-driver:v1.35.0` }]),
      daemonSet('efs-csi-node', [{ name: 'efs-plugin', image: `${ECR}/eks/aws-efs-csi-driver:v2.0.7` }]),
    ];
  }
  return [
    daemonSet('azure-cns', [{ name: 'cns-container', image: 'mcr.microsoft.com/containernetworking/azure-cns:v1.6.13' }]),
    daemonSet('azure-ip-masq-agent', [{ name: 'azure-ip-masq-agent', image: 'mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.13' }]),
    daemonSet('cloud-node-manager', [{ name: 'cloud-node-manager', image: 'mcr.microsoft.com/oss/kubernetes/azure-cloud-node-manager:v1.30.5' }]),
    daemonSet('csi-azuredisk-node', [{ name: 'azuredisk', image: 'mcr.microsoft.com/oss/kubernetes-csi/azuredisk-csi:v1.30.4' }]),
    daemonSet('csi-azurefile-node', [{ name: 'azurefile', image: 'mcr.microsoft.com/oss/kubernetes-csi/azurefile-csi:v1.30.5' }]),
    daemonSet('kube-proxy', [{ name: 'kube-proxy', image: 'mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.30.5' }]),
    ...(networkPolicy ? [daemonSet('azure-npm', [{ name: 'azure-npm', image: 'mcr.microsoft.com/containernetworking/azure-npm:v1.5.37' }])] : []),
  ];
}

export function csiDrivers(cloud: Cloud): V1CSIDriver[] {
  const names = cloud === 'eks' ? ['ebs.csi.aws.com', 'efs.csi.aws.com'] : ['disk.csi.azure.com', 'file.csi.azure.com'];
  return names.map((name) => ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'CSIDriver',
    metadata: { name },
    spec: { attachRequired: !name.startsWith('efs') && !name.startsWith('file'), podInfoOnMount: false },
  }));
}

const defaultClass = { 'storageclass.kubernetes.io/is-default-class': 'true' };

/** The StorageClasses the service creates with a new cluster. */
export function shippedStorageClasses(cloud: Cloud): V1StorageClass[] {
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

/** A healthy cluster: platform and compute pools of `perPool` nodes, a NetworkPolicy CNI, the CSI drivers. */
export function clusterObjects(cloud: Cloud, perPool = 2, change: { nodes?: V1Node[]; networkPolicy?: boolean } = {}) {
  const prefix =
    cloud === 'eks'
      ? (pool: string, i: number) => `ip-10-0-${pool === 'platform' ? 1 : 2}-${10 + i}.ec2.internal`
      : (pool: string, i: number) => `aks-${pool}-12345678-vmss00000${i}`;
  const nodes =
    change.nodes ?? ['platform', 'compute'].flatMap((pool) => Array.from({ length: perPool }, (_, i) => node(cloud, { name: prefix(pool, i), pool })));
  return {
    nodes,
    daemonSets: systemDaemonSets(cloud, change.networkPolicy ?? true),
    csiDrivers: csiDrivers(cloud),
    storageClasses: shippedStorageClasses(cloud),
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
