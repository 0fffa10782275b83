// What differs between the managed clouds, in one place: how their node pools are labelled,
// where blob data lives, and which CSI drivers back kdisk (RWO block) and kfs (RWX files).
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

export const isManagedFlow = (flow: unknown): flow is ManagedFlow => flow === 'aks' || flow === 'eks';

/** EBS volume types whose IOPS are provisioned (and must be given). */
export const PROVISIONED_IOPS_TYPES = ['io1', 'io2'];
