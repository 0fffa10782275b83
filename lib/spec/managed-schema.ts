// The `managed` section of the install spec (flows aks and eks): the cluster's kubeconfig as
// a reference, the native blob store, storage choices, node pools and preflight minimums.
import { z } from 'zod';
import { CLOUDS, isManagedFlow, PROVISIONED_IOPS_TYPES } from '../managed/clouds.js';
import { MANAGED_RULES } from '../preflight/managed-rules.js';

const HOST = /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*(:\d{1,5})?$/;
// A label key: optional DNS-subdomain prefix and "/", then a name of at most 63 characters.
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const s3 = z.strictObject({
  kind: z.literal('s3'),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name: 3-63 lower-case letters, digits, "." and "-"'),
  region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'expected an AWS region such as us-east-1'),
});
const azureBlob = z.strictObject({
  kind: z.literal('azureBlob'),
  account: z.string().regex(/^[a-z0-9]{3,24}$/, 'expected an Azure storage account name: 3-24 lower-case letters and digits'),
  container: z
    .string()
    .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, 'expected an Azure blob container name: 3-63 lower-case letters, digits and single "-"'),
});

const labelValue = z.string().regex(LABEL_VALUE, 'expected a label value: at most 63 letters, digits, "-", "_" or "."');
/** A node pool: its name (the value of the cloud's pool label), or the labels its nodes carry. */
const pool = z.union(
  [
    labelValue.min(1),
    z.strictObject({
      labels: z
        .record(z.string().regex(LABEL_KEY, 'expected a label key such as example.com/pool'), labelValue)
        .refine((l) => Object.keys(l).length > 0, 'expected at least one label'),
    }),
  ],
  {
    error: 'expected a node pool name (the value of the pool label) or {labels: {key: value}}',
  },
);

const minimums = z
  .strictObject({ cpus: z.number().positive('expected a positive number'), memoryGb: z.number().positive('expected a positive number') })
  .partial();

export const managedSchema = z.strictObject({
  kubeconfigRef: z
    .string()
    .regex(
      /^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/,
      'expected a kubeconfig reference "env:NAME" or "file:PATH" (a kubeconfig holds credentials, so it is never written into a spec)',
    ),
  // The kubeconfig's context to use; default: its current-context.
  context: z.string().min(1).optional(),
  blobStore: z.discriminatedUnion('kind', [s3, azureBlob], {
    error: 'expected a blob store {kind: s3, bucket, region} or {kind: azureBlob, account, container}',
  }),
  // The registry Katonic's images are pulled from (ECR on EKS, ACR on AKS), e.g. acme.azurecr.io.
  registry: z.string().regex(HOST, 'expected a registry host such as 123456789012.dkr.ecr.us-east-1.amazonaws.com or acme.azurecr.io').optional(),
  storage: z
    .strictObject({
      kdisk: z
        .strictObject({ type: z.string().min(1), iopsPerGB: z.number().int().positive('expected a positive whole number').optional() })
        .partial()
        .optional(),
      kfs: z
        .strictObject({ fileSystemId: z.string().regex(/^fs-[0-9a-f]{8,17}$/, 'expected an EFS file system id such as fs-0123456789abcdef0') })
        .partial()
        .optional(),
    })
    .optional(),
  pools: z.strictObject({ platform: pool.optional(), compute: pool.optional(), gpu: pool.optional() }).optional(),
  preflight: z
    .strictObject({
      minKubeVersion: z
        .string()
        .regex(/^v?\d+\.\d+(\.\d+)?$/, 'expected a Kubernetes version such as 1.20')
        .optional(),
      platform: minimums.optional(),
      compute: minimums.optional(),
      // Requirements an operator has checked by other means (reported as ignored, not as met).
      ignore: z.array(z.enum(MANAGED_RULES, { error: `expected one of ${MANAGED_RULES.join(', ')}` })).optional(),
    })
    .optional(),
});

export type ManagedSpec = z.infer<typeof managedSchema>;
export type PoolSelector = NonNullable<NonNullable<ManagedSpec['pools']>['platform']>;

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined);

export interface Issue {
  path: (string | number)[];
  message: string;
}

/** The rules that tie the managed section to the flow (read from the raw document, like the other cross-field rules). */
export function managedIssues(flow: unknown, managed: Raw): Issue[] {
  if (!isManagedFlow(flow)) return [];
  const cloud = CLOUDS[flow];
  const at = (...p: string[]) => ['spec', 'managed', ...p];
  const issues: Issue[] = [];
  const kind = obj(managed.blobStore)?.kind;
  if ((kind === 's3' || kind === 'azureBlob') && kind !== cloud.blobStore) {
    issues.push({
      path: at('blobStore', 'kind'),
      message: `expected ${cloud.blobStore} when spec.flow is ${flow}: ${cloud.service} keeps backups, logs and project data in its native blob store, not ${kind}`,
    });
  }
  const kdisk = obj(obj(managed.storage)?.kdisk);
  const type = kdisk?.type;
  if (typeof type === 'string' && !cloud.kdisk.types.includes(type))
    issues.push({ path: at('storage', 'kdisk', 'type'), message: `expected one of ${cloud.kdisk.types.join(', ')} when spec.flow is ${flow}` });
  const provisionedIops = flow === 'eks' && PROVISIONED_IOPS_TYPES.includes(String(type));
  if (provisionedIops && kdisk?.iopsPerGB === undefined)
    issues.push({
      path: at('storage', 'kdisk', 'iopsPerGB'),
      message: `required when kdisk.type is ${String(type)}: EBS ${String(type)} volumes are created with provisioned IOPS`,
    });
  if (!provisionedIops && kdisk?.iopsPerGB !== undefined)
    issues.push({ path: at('storage', 'kdisk', 'iopsPerGB'), message: `expected no iopsPerGB: only EBS io1 and io2 volumes take provisioned IOPS` });
  const fileSystemId = obj(obj(managed.storage)?.kfs)?.fileSystemId;
  if (flow === 'eks' && fileSystemId === undefined)
    issues.push({ path: at('storage', 'kfs', 'fileSystemId'), message: 'required when spec.flow is eks: the EFS file system that backs kfs (ReadWriteMany)' });
  if (flow === 'aks' && fileSystemId !== undefined)
    issues.push({
      path: at('storage', 'kfs', 'fileSystemId'),
      message: 'expected no fileSystemId when spec.flow is aks: kfs is Azure Files, a share per volume',
    });
  return issues;
}
