// What differs between the managed clouds, in one place: how their node pools are labelled,
// where blob data lives, and which CSI drivers back kdisk (RWO block) and kfs (RWX files).
// EKS Auto Mode is EKS with its own pools and block storage driver (EKS_AUTO_MODE).
export type ManagedFlow = 'aks' | 'eks';

export interface Cloud {
  /** How the installer names the service in messages. */
  service: string;
  /** The cloud, as the Katonic role's katonic_cloud. */
  provider: 'aws' | 'azure';
  /** The label every node of a node pool carries, valued with the pool's name. */
  poolLabel: string;
  /** The native blob store for backups, logs and project data (the seed's "Native"). */
  blobStore: 's3' | 'azureBlob';
  /** The kind of image registry the service comes with. */
  registry: string;
  kdisk: { provisioner: string; types: readonly string[]; defaultType: string };
  kfs: { provisioner: string };
}

export const CLOUDS: Record<ManagedFlow, Cloud> = {
  eks: {
    service: 'EKS',
    provider: 'aws',
    poolLabel: 'eks.amazonaws.com/nodegroup',
    blobStore: 's3',
    registry: 'ECR',
    // gp3 by default: SSD, and cheaper than gp2 for the same baseline IOPS.
    kdisk: { provisioner: 'ebs.csi.aws.com', types: ['gp3', 'gp2', 'io1', 'io2'], defaultType: 'gp3' },
    kfs: { provisioner: 'efs.csi.aws.com' },
  },
  aks: {
    service: 'AKS',
    provider: 'azure',
    poolLabel: 'kubernetes.azure.com/agentpool',
    blobStore: 'azureBlob',
    registry: 'ACR',
    // The seed asks for premium disks on AKS.
    kdisk: { provisioner: 'disk.csi.azure.com', types: ['Premium_LRS', 'Premium_ZRS'], defaultType: 'Premium_LRS' },
    kfs: { provisioner: 'file.csi.azure.com' },
  },
};

/** The label EKS Auto Mode puts on the nodes it runs (AWS EKS user guide, "Create a storage class"). */
export const EKS_COMPUTE_TYPE = { label: 'eks.amazonaws.com/compute-type', auto: 'auto' } as const;

/**
 * EKS Auto Mode: its nodes come from Karpenter NodePools (labelled karpenter.sh/nodepool, no
 * nodegroup label), its block storage is its own EBS driver ebs.csi.eks.amazonaws.com ("You must
 * create a StorageClass referencing ebs.csi.eks.amazonaws.com"), and EFS is still the
 * aws-efs-csi-driver add-on (Auto Mode's storage capability is block storage alone).
 */
export const EKS_AUTO_MODE: Cloud = {
  ...CLOUDS.eks,
  service: 'EKS Auto Mode',
  poolLabel: 'karpenter.sh/nodepool',
  kdisk: { ...CLOUDS.eks.kdisk, provisioner: 'ebs.csi.eks.amazonaws.com' },
};

/** Whether the nodes are EKS Auto Mode's: every one labelled eks.amazonaws.com/compute-type: auto (a cluster mixing in node groups keeps aws-node and the EBS add-on). */
export const isEksAutoMode = (nodes: { labels: Record<string, string> }[]): boolean =>
  nodes.length > 0 && nodes.every((n) => n.labels[EKS_COMPUTE_TYPE.label] === EKS_COMPUTE_TYPE.auto);

/** The cloud a managed install is on: EKS Auto Mode when preflight found its nodes (the eksAutoMode hand-off). */
export const managedCloud = (flow: ManagedFlow, eksAutoMode: boolean | undefined): Cloud => (flow === 'eks' && eksAutoMode ? EKS_AUTO_MODE : CLOUDS[flow]);

export const isManagedFlow = (flow: unknown): flow is ManagedFlow => flow === 'aks' || flow === 'eks';

/** EBS volume types whose IOPS are provisioned (and must be given). */
export const PROVISIONED_IOPS_TYPES = ['io1', 'io2'];
